package command

import (
	"github.com/airlockhq/airlock/internal/lazyre"
	"strings"
)

// Wrapper commands run another command given in their arguments. unwrapOnce
// returns where the wrapped argv starts.
var (
	sudoValueOpts = setOf("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "-R",
		"--user", "--group", "--close-from", "--chdir", "--host", "--prompt", "--role", "--type", "--other-user", "--command-timeout", "--chroot")
	xargsValueOpts  = setOf("-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-chars", "--max-lines", "--process-slot-var")
	straceValueOpts = setOf("-o", "-p", "-e", "-s", "-E", "-u", "-a", "-b", "-I", "-O", "-S", "-P", "-X")
	plainWrappers   = setOf("nohup", "setsid", "time", "builtin", "unbuffer", "chronic", "catchsegv",
		"fakeroot", "proxychains", "proxychains4", "torsocks", "caffeinate", "nocache", "eatmydata", "dbus-launch", "xvfb-run", "faketime")
)

func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

var assignRe = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*=`)

func isAssignment(s string) bool { return assignRe.MatchString(s) }

// skipOpts skips options starting at i; valueOpts take the next argument
// unless written as --opt=value or with the value attached.
func skipOpts(argv []string, i int, valueOpts map[string]bool) int {
	for i < len(argv) && strings.HasPrefix(argv[i], "-") && argv[i] != "-" {
		o := argv[i]
		i++
		if o == "--" {
			break
		}
		if valueOpts[o] && i < len(argv) {
			i++
		}
	}
	return i
}

// unwrapOnce returns the index where the command run by a wrapper starts.
func unwrapOnce(argv []string) (int, bool) {
	if len(argv) < 2 {
		return 0, false
	}
	name := baseName(argv[0])
	i := 1
	switch {
	case name == "sudo" || name == "doas" || name == "run0" || name == "pkexec":
		i = skipOpts(argv, 1, sudoValueOpts)
		for i < len(argv) && isAssignment(argv[i]) {
			i++
		}
	case name == "env":
		for i < len(argv) {
			o := argv[i]
			if o == "--" {
				i++
				break
			}
			if isAssignment(o) {
				i++
				continue
			}
			if strings.HasPrefix(o, "-") && o != "-" {
				i++
				if (o == "-u" || o == "--unset" || o == "-C" || o == "--chdir" || o == "-S" || o == "--split-string") && i < len(argv) {
					i++
				}
				continue
			}
			break
		}
	case plainWrappers[name]:
		i = skipOpts(argv, 1, setOf("-f", "-o"))
	case name == "exec":
		i = skipOpts(argv, 1, setOf("-a"))
	case name == "command":
		if hasFlag(argv, "-v", "-V") {
			return 0, false
		}
		i = skipOpts(argv, 1, nil)
	case name == "timeout":
		i = skipOpts(argv, 1, setOf("-s", "-k", "--signal", "--kill-after")) + 1
	case name == "nice":
		i = skipOpts(argv, 1, setOf("-n", "--adjustment"))
	case name == "ionice":
		i = skipOpts(argv, 1, setOf("-c", "-n", "-p", "-P", "-u", "--class", "--classdata"))
	case name == "stdbuf":
		i = skipOpts(argv, 1, setOf("-i", "-o", "-e"))
	case name == "chroot":
		i = skipOpts(argv, 1, setOf("--userspec", "--groups")) + 1
	case name == "xargs":
		i = skipOpts(argv, 1, xargsValueOpts)
		if i >= len(argv) {
			// xargs without a command runs echo: harmless.
			return 0, false
		}
	case name == "strace" || name == "ltrace":
		i = skipOpts(argv, 1, straceValueOpts)
	case name == "flock":
		if hasFlag(argv, "-c", "--command") {
			return 0, false
		}
		i = skipOpts(argv, 1, setOf("-w", "-E", "--timeout", "--conflict-exit-code")) + 1
	case name == "runuser":
		if hasFlag(argv, "-c", "--command") {
			return 0, false
		}
		i = skipOpts(argv, 1, setOf("-u", "-g", "-G", "--user", "--group"))
	case name == "doppler" || name == "op" || name == "aws-vault" || name == "dotenv" || name == "direnv" || name == "uv" || name == "poetry" || name == "pipenv" || name == "bundle" || name == "npm" || name == "pnpm" || name == "yarn":
		// "x run -- cmd" / "direnv exec DIR cmd" / "uv run cmd" / "bundle exec cmd"
		return wrappedByRun(argv)
	default:
		return 0, false
	}
	if i <= 0 || i >= len(argv) {
		return 0, false
	}
	return i, true
}

// wrappedByRun finds the command in "tool run [opts] [--] cmd…" style
// launchers that run an arbitrary program.
func wrappedByRun(argv []string) (int, bool) {
	name := baseName(argv[0])
	switch name {
	case "npm", "pnpm", "yarn":
		// npm exec -- cmd ; pnpm exec cmd ; yarn exec cmd
		if len(argv) > 2 && argv[1] == "exec" {
			i := skipOpts(argv, 2, nil)
			return i, i < len(argv)
		}
		return 0, false
	case "direnv":
		if len(argv) > 3 && argv[1] == "exec" {
			return 3, true
		}
		return 0, false
	}
	if len(argv) < 3 {
		return 0, false
	}
	switch argv[1] {
	case "run", "exec":
	default:
		return 0, false
	}
	if name == "op" || name == "doppler" || name == "aws-vault" {
		for i := 2; i < len(argv); i++ {
			if argv[i] == "--" {
				return i + 1, i+1 < len(argv)
			}
		}
		if name == "aws-vault" && len(argv) > 3 {
			return 3, true
		}
		return 0, false
	}
	i := skipOpts(argv, 2, setOf("--with", "--python", "-p", "--project", "--directory", "--env-file", "--group", "--package", "--from"))
	return i, i < len(argv)
}

// unwrapAll strips every wrapper and returns the command that really runs.
func unwrapAll(argv []string) []string {
	for range 16 {
		i, ok := unwrapOnce(argv)
		if !ok {
			return argv
		}
		argv = argv[i:]
	}
	return argv
}

func hasFlag(argv []string, flags ...string) bool {
	for _, a := range argv[min(1, len(argv)):] {
		if a == "--" {
			return false
		}
		for _, f := range flags {
			if a == f || strings.HasPrefix(f, "--") && strings.HasPrefix(a, f+"=") {
				return true
			}
		}
	}
	return false
}

// hasShortFlag reports a single-letter flag, also inside grouped flags
// such as -rf.
func hasShortFlag(argv []string, c byte) bool {
	for _, a := range argv[min(1, len(argv)):] {
		if a == "--" {
			return false
		}
		if len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.IndexByte(a[1:], c) >= 0 {
			return true
		}
	}
	return false
}

// positional returns the non-option arguments, honouring "--".
func positional(argv []string, valueOpts map[string]bool) []string {
	var out []string
	dashdash := false
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if dashdash {
			out = append(out, a)
			continue
		}
		if a == "--" {
			dashdash = true
			continue
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			if valueOpts[a] {
				i++
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

var shells = setOf("sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox", "csh", "tcsh", "yash", "rbash")

var interpreters = setOf("python", "python2", "python3", "perl", "ruby", "node", "nodejs", "php", "lua", "pwsh", "powershell", "deno", "bun", "tclsh", "Rscript", "osascript", "iex", "Invoke-Expression")

func isShell(name string) bool { return shells[baseName(name)] }

func interpreterName(name string) string {
	b := baseName(name)
	if shells[b] || interpreters[b] {
		return b
	}
	// python3.12, perl5.36
	for _, p := range []string{"python", "perl", "ruby", "php", "lua"} {
		if strings.HasPrefix(b, p) && strings.Trim(b[len(p):], "0123456789.") == "" {
			return p
		}
	}
	return ""
}

// readsProgramFromStdin returns the interpreter's name when argv runs an
// interpreter that takes its program from standard input: sh, bash -s,
// python -, but not python -m json.tool or bash script.sh.
func readsProgramFromStdin(argv []string) string {
	if len(argv) == 0 {
		return ""
	}
	interp := interpreterName(argv[0])
	if interp == "" {
		if baseName(argv[0]) == "source" || argv[0] == "." {
			if len(argv) > 1 && (argv[1] == "/dev/stdin" || argv[1] == "-") {
				return "source"
			}
		}
		return ""
	}
	if interp == "busybox" {
		if len(argv) > 1 && isShell(argv[1]) {
			return readsProgramFromStdin(argv[1:])
		}
		return ""
	}
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "-" || a == "/dev/stdin":
			return interp
		case a == "-s" && shells[interp]:
			return interp
		case a == "--":
			if i+1 < len(argv) && argv[i+1] != "-" {
				return ""
			}
		case strings.HasPrefix(a, "-"):
			if len(a) > 1 && a[1] != '-' && strings.ContainsAny(a[1:], "cemEr") && !shells[interp] {
				return "" // python -c / -m, perl -e, ruby -e, node -e, php -r
			}
			if shells[interp] && len(a) > 1 && a[1] != '-' && strings.ContainsRune(a[1:], 'c') {
				return ""
			}
			if shells[interp] && strings.ContainsRune(a, 's') && len(a) > 1 && a[1] != '-' {
				return interp
			}
		default:
			return "" // a script file
		}
	}
	return interp
}

// shellScript finds the -c script of sh/bash/zsh and its argv index.
func shellScript(argv []string) (string, int, bool) {
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if a == "--" || !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "+") {
			return "", 0, false
		}
		if a[0] == '-' && len(a) > 1 && a[1] != '-' && strings.ContainsRune(a[1:], 'c') {
			// options such as -o NAME consume a value before the script
			j := i + 1
			for j < len(argv) && strings.HasPrefix(argv[j], "-") {
				j++
			}
			if j < len(argv) {
				return argv[j], j, true
			}
			return "", 0, false
		}
		if a == "-o" || a == "+o" || a == "-O" || a == "+O" {
			i++
		}
	}
	return "", 0, false
}

// interpCode returns the inline program of python -c, perl -e, node -e…
func interpCode(argv []string) (string, bool) {
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			return "", false
		}
		switch a {
		case "-c", "-e", "-E", "-r", "--eval", "-p", "--print", "-Command", "-command", "-EncodedCommand", "-enc", "-ec":
			if i+1 < len(argv) {
				return argv[i+1], true
			}
			return "", false
		}
		if strings.HasPrefix(a, "--eval=") {
			return strings.TrimPrefix(a, "--eval="), true
		}
		if a == "-m" {
			return "", false
		}
	}
	return "", false
}

var downloaders = setOf("curl", "wget", "fetch", "http", "https", "xh", "xhs", "httpie", "lwp-download", "lwp-request", "GET", "aria2c", "axel", "curlie", "iwr", "Invoke-WebRequest", "Invoke-RestMethod", "irm")

func isDownloader(argv []string) bool {
	if len(argv) == 0 {
		return false
	}
	n := baseName(argv[0])
	if downloaders[n] {
		return true
	}
	if interpreterName(n) != "" {
		if code, ok := interpCode(argv); ok && remoteFetchRe.MatchString(code) {
			return true
		}
	}
	return false
}

// isDecoder reports a command that turns encoded or compressed text back
// into code.
func isDecoder(argv []string) bool {
	if len(argv) == 0 {
		return false
	}
	switch baseName(argv[0]) {
	case "base64", "base32", "basenc":
		return hasFlag(argv, "-d", "--decode", "-D") || hasShortFlag(argv, 'd')
	case "b64decode", "uudecode":
		return true
	case "xxd":
		return hasShortFlag(argv, 'r') || hasFlag(argv, "-revert")
	case "openssl":
		return len(argv) > 1 && (argv[1] == "base64" || argv[1] == "enc") && hasFlag(argv, "-d", "-base64", "-a")
	case "gunzip", "zcat", "bunzip2", "bzcat", "xzcat", "unxz", "zstdcat", "lzcat":
		return true
	case "gzip", "bzip2", "xz", "zstd":
		return hasFlag(argv, "-d", "--decompress") || hasShortFlag(argv, 'd')
	case "rev":
		return true
	case "tr":
		p := positional(argv, nil)
		return len(p) == 2 && strings.Contains(p[0], "A-Z") && strings.Contains(p[1], "N-Z")
	}
	if interpreterName(argv[0]) != "" {
		if code, ok := interpCode(argv); ok && decodeCallRe.MatchString(code) {
			return true
		}
	}
	return false
}

var (
	remoteFetchRe = lazyre.New(`urlopen|urllib|requests\.(get|post)|http\.client|LWP::|Net::HTTP|open-uri|URI\.open|fetch\(|https?\.get\(|require\(\s*['"]https?['"]\s*\)|file_get_contents\(\s*['"]https?:|Invoke-WebRequest|DownloadString|WebClient`)
	decodeCallRe  = lazyre.New(`b64decode|base64\.decode|decode_base64|Base64\.decode64|atob\(|Buffer\.from\([^)]*['"]base64['"]|FromBase64String|unhexlify|bytes\.fromhex|codecs\.decode|zlib\.decompress|marshal\.loads`)
	execCallRe    = lazyre.New(`\bexec\s*\(|\beval\s*\(|\bsystem\s*\(|subprocess|os\.popen|child_process|\bspawn\s*\(|Function\s*\(|Invoke-Expression|\biex\b|` + "`" + `[^` + "`" + `]+` + "`" + `|\bpassthru\s*\(|shell_exec`)
	revShellRe    = lazyre.New(`(?s)socket.*(dup2|pty\.spawn|subprocess|/bin/(ba)?sh|exec)|TCPSocket|fsockopen|Net::Socket|new\s+net\.Socket|IO::Socket::INET`)
	escapeRe      = lazyre.New(`\\x[0-9A-Fa-f]{1,2}|\\[0-7]{2,3}|\\u[0-9A-Fa-f]{4}`)
)
