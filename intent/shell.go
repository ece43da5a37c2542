package intent

import (
	"path"
	"strconv"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// cmdName returns a shell command's program name without directories.
// A name held in a variable set from constants ($c after c=cu;
// c="${c}rl") is resolved.
func (x *extractor) cmdName(n *sitter.Node) string {
	nm := n.ChildByFieldName("name")
	if nm == nil {
		return ""
	}
	if nm.NamedChildCount() == 1 {
		if v, _, ok := x.shellFold(nm.NamedChild(0), 0); ok && v != "" {
			return path.Base(v)
		}
	}
	return path.Base(strings.Trim(x.text(nm), `"'`))
}

// shellFold evaluates a shell word made of constants and variables
// assigned from constants. pieces counts the parts it was built from.
func (x *extractor) shellFold(n *sitter.Node, depth int) (v string, pieces int, ok bool) {
	if n == nil || depth > 32 {
		return "", 0, false
	}
	switch x.kind(n) {
	case "word":
		return x.text(n), 1, true
	case "raw_string":
		return x.strValue(n), 1, true
	case "string_content":
		return x.text(n), 1, true
	case "simple_expansion", "expansion":
		if n.NamedChildCount() != 1 || x.kind(n.NamedChild(0)) != "variable_name" {
			return "", 0, false
		}
		sv, ok := x.shellVars[x.text(n.NamedChild(0))]
		return sv.value, sv.pieces, ok
	case "string", "concatenation":
		var b strings.Builder
		for i := uint(0); i < n.NamedChildCount(); i++ {
			pv, pc, ok := x.shellFold(n.NamedChild(i), depth+1)
			if !ok {
				return "", 0, false
			}
			b.WriteString(pv)
			pieces += pc
		}
		return b.String(), pieces, true
	}
	return "", 0, false
}

// shellVar is a shell variable assigned from constants.
type shellVar struct {
	value  string
	pieces int
}

// cmdArgs returns a shell command's arguments as written.
func (x *extractor) cmdArgs(n *sitter.Node) []string {
	var out []string
	for i := uint(0); i < n.NamedChildCount(); i++ {
		if n.FieldNameForNamedChild(uint32(i)) == "argument" {
			c := n.NamedChild(i)
			v := x.text(c)
			if x.isString(c) {
				v = x.strValue(c)
			}
			out = append(out, v)
		}
	}
	return out
}

func (x *extractor) visitShell(n *sitter.Node) bool {
	switch x.kind(n) {
	case "pipeline":
		x.shellPipeline(n)
	case "command":
		x.shellCommand(n)
	case "file_redirect":
		dest := n.ChildByFieldName("destination")
		d := x.strValue(dest)
		if dest != nil && (x.isString(dest) || x.kind(dest) == "word" || x.kind(dest) == "concatenation" || x.kind(dest) == "simple_expansion") {
			if x.kind(dest) != "string" && x.kind(dest) != "raw_string" {
				d = x.text(dest)
			}
			x.shellPath(n, d, strings.HasPrefix(x.text(n), "<") && !strings.HasPrefix(x.text(n), "<>"))
		}
	case "variable_assignment":
		name := x.text(n.ChildByFieldName("name"))
		if v, pieces, ok := x.shellFold(n.ChildByFieldName("value"), 0); ok && len(v) < 4096 {
			x.shellVars[name] = shellVar{v, pieces}
		} else {
			delete(x.shellVars, name)
		}
		if name == "LD_PRELOAD" || name == "DYLD_INSERT_LIBRARIES" {
			x.add(n, CapNative, name, "preloads a native library into every program ("+name+")", true)
		}
	case "simple_expansion", "expansion":
		for i := uint(0); i < n.NamedChildCount(); i++ {
			if c := n.NamedChild(i); x.kind(c) == "variable_name" {
				x.envNamed(n, x.text(c))
			}
		}
	}
	return true
}

// shellPath classifies a path a redirect or command writes or reads.
func (x *extractor) shellPath(n *sitter.Node, p string, read bool) {
	if strings.Contains(p, "/dev/tcp/") || strings.Contains(p, "/dev/udp/") {
		rest := p[strings.Index(p, "/dev/")+9:]
		host := strings.Replace(rest, "/", ":", 1)
		x.add(n, CapNetwork, host, "opens a raw connection through "+p, true)
		return
	}
	if r, ok := classifyPath(p); ok {
		verb := "writes to"
		if read {
			verb = "reads"
		}
		x.add(n, r.cap, p, verb+" "+p+" ("+r.what+")", true)
		return
	}
	if !read && outsideProject(p) {
		x.add(n, CapFileWrite, p, "writes to "+p+", outside the project", false)
	}
}

func hasArg(args []string, want ...string) bool {
	for _, a := range args {
		for _, w := range want {
			if a == w || strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") && strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, w[1:]) {
				return true
			}
		}
	}
	return false
}

func (x *extractor) shellCommand(n *sitter.Node) {
	name := x.cmdName(n)
	if nm := n.ChildByFieldName("name"); nm != nil && nm.NamedChildCount() == 1 {
		if v, pieces, ok := x.shellFold(nm.NamedChild(0), 0); ok && pieces > 1 && x.kind(nm.NamedChild(0)) != "word" {
			x.add(n, CapObfuscation, v, "builds the command name "+quoteShort(v)+" from pieces to hide what it runs", true)
		}
	}
	args := x.cmdArgs(n)
	// sudo, env, nohup and friends run the next word as the command
	for (name == "sudo" || name == "nohup" || name == "exec" || name == "command" || name == "time" || name == "env" && len(args) > 0 && !strings.HasPrefix(args[0], "-")) && len(args) > 0 {
		for len(args) > 0 && (strings.HasPrefix(args[0], "-") || strings.Contains(args[0], "=")) {
			args = args[1:]
		}
		if len(args) == 0 {
			break
		}
		name, args = path.Base(args[0]), args[1:]
	}
	argv := strings.TrimSpace(name + " " + strings.Join(args, " "))
	if len(argv) > 160 {
		argv = argv[:160] + "…"
	}
	if shellNetwork[name] {
		host := hostOf(args)
		if host == "" {
			var plain []string
			for _, a := range args {
				if !strings.HasPrefix(a, "-") {
					plain = append(plain, a)
				}
			}
			switch {
			case len(plain) == 0:
			case (name == "nc" || name == "ncat" || name == "netcat" || name == "telnet") && len(plain) >= 2:
				host = plain[0] + ":" + plain[1] // nc HOST PORT
			case name == "ssh" || name == "scp" || name == "sftp" || name == "nc" || name == "ncat" || name == "netcat" || name == "telnet":
				host = plain[0]
				for _, p := range plain {
					if strings.Contains(p, "@") {
						host = p
						break
					}
				}
			}
		}
		if (name == "nc" || name == "ncat" || name == "netcat" || name == "telnet") && host != "" && !strings.Contains(host, ":") {
			for i, a := range args[:max(len(args)-1, 0)] {
				if a == host {
					if _, err := strconv.Atoi(args[i+1]); err == nil {
						host += ":" + args[i+1] // nc HOST PORT
					}
					break
				}
			}
		}
		x.shellNet(n, name, host, args)
	}
	if subs, ok := shellNetworkSub[name]; ok && len(args) > 0 {
		for _, s := range subs {
			if args[0] == s || s == "::" && strings.Contains(strings.Join(args, " "), ":") {
				x.add(n, CapNetwork, argv, "reaches the network ("+argv+")", false)
				break
			}
		}
	}
	switch name {
	case "crontab":
		if !hasArg(args, "-l") {
			x.add(n, CapPersistence, argv, "installs a crontab entry ("+argv+")", true)
		}
	case "env", "printenv", "set", "export", "declare":
		if len(args) == 0 || (name == "export" || name == "declare") && hasArg(args, "-p", "-x") && len(args) == 1 {
			x.add(n, CapEnv, argv, "dumps the whole environment ("+name+")", false)
		}
	case "eval":
		x.add(n, CapEval, argv, "evaluates a string as shell code (eval)", false)
		if x.shellDecodesOrFetches(n) {
			x.add(n, CapObfuscation, argv, "decodes or downloads code and evaluates it", true)
		}
	case "source", ".", "bash", "sh", "zsh", "dash", "python", "python3", "perl":
		if x.shellDecodesOrFetches(n) {
			x.add(n, CapObfuscation, argv, "decodes or downloads code and runs it with "+name, true)
		}
	case "cp", "mv", "install", "ln", "tee", "rsync", "dd":
		targets := args
		if name != "tee" && len(args) > 0 {
			targets = args[len(args)-1:]
		}
		for _, t := range targets {
			if strings.HasPrefix(t, "of=") {
				t = t[3:]
			} else if strings.HasPrefix(t, "-") {
				continue
			}
			x.shellPath(n, t, false)
		}
	case "chmod":
		if hasArg(args, "u+s", "+s", "4755", "4777") {
			x.add(n, CapPersistence, argv, "sets the setuid bit ("+argv+")", true)
		}
	}
	persistArgv(append([]string{name}, args...), func(what string) {
		x.add(n, CapPersistence, argv, "installs "+what, true)
	})
	// words naming sensitive files: cat ~/.aws/credentials
	for _, a := range args {
		if r, ok := classifyPath(a); ok {
			x.add(n, r.cap, a, "accesses "+a+" ("+r.what+")", true)
		}
	}
}

func (x *extractor) shellNet(n *sitter.Node, name, host string, args []string) {
	bare := host
	if h, _, ok := strings.Cut(host, ":"); ok {
		bare = h
	}
	if at := strings.LastIndexByte(bare, '@'); at >= 0 {
		bare = bare[at+1:]
	}
	switch {
	case bare == metadataIP:
		x.add(n, CapCredentials, host, "queries the cloud instance-metadata service ("+host+") with "+name, true)
	case len(findIPs(bare)) > 0:
		x.add(n, CapNetwork, host, "connects to the raw IP address "+host+" with "+name, true)
	case host != "":
		x.add(n, CapNetwork, host, "connects to "+host+" with "+name, false)
	default:
		x.add(n, CapNetwork, name, "uses the network ("+name+")", false)
	}
	// curl -d @~/.ssh/id_rsa, curl -T file: uploads are checked by the
	// sensitive-path scan of the arguments.
	_ = args
}

// shellDecodesOrFetches reports whether a command's arguments contain a
// command substitution that decodes or downloads: eval "$(curl …)".
func (x *extractor) shellDecodesOrFetches(n *sitter.Node) bool {
	found := false
	for i := uint(0); i < n.NamedChildCount(); i++ {
		if n.FieldNameForNamedChild(uint32(i)) != "argument" {
			continue
		}
		x.walk(n.NamedChild(i), func(m *sitter.Node) bool {
			if x.kind(m) == "command" {
				nm, args := x.cmdName(m), x.cmdArgs(m)
				if shellNetwork[nm] || isShellDecoder(nm, args) {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

func isShellDecoder(name string, args []string) bool {
	flags, ok := shellDecoders[name]
	if !ok {
		return false
	}
	return flags == nil || hasArg(args, flags...)
}

// shellPipeline finds `curl … | sh` and `base64 -d | bash`.
func (x *extractor) shellPipeline(n *sitter.Node) {
	source := ""
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		if x.kind(c) != "command" {
			continue
		}
		name, args := x.cmdName(c), x.cmdArgs(c)
		if name == "sudo" && len(args) > 0 {
			name, args = path.Base(args[0]), args[1:]
		}
		switch {
		case shellNetwork[name]:
			source = "downloads"
		case isShellDecoder(name, args):
			source = "decodes"
		case source != "" && shellInterpreters[name]:
			x.add(n, CapObfuscation, strings.TrimSpace(x.lineOf(n)), source+" code and pipes it into "+name, true)
			return
		}
	}
}
