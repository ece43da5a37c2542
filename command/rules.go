package command

import (
	"github.com/airlockhq/airlock/internal/lazyre"
	"net/url"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/airlockhq/airlock"
)

// sliceWords keeps word info aligned with an argv suffix.
func sliceWords(ws []word, i int) []word {
	if i < len(ws) {
		return ws[i:]
	}
	return nil
}

// simple analyses one simple command, unwrapping wrappers first.
func (a *analyzer) simple(f *frame, n syntax.Node, argv []string, ws []word) {
	if len(argv) == 0 || a.ctx.Err() != nil {
		return
	}
	name := baseName(argv[0])
	switch name {
	case "sudo", "doas", "run0", "pkexec":
		a.privilegeWrapper(f, n, argv)
	case "su":
		a.report(f, n, "command.privilege.sudo", airlock.Medium, airlock.ConfidenceHigh,
			"`su` switches to another user (usually root)",
			"run the command without elevated privileges, or ask the user to run it", "CWE-250")
		if s, ok := optValue(argv, "-c", "--command"); ok {
			a.nestedText(f, n, s, "su -c")
		}
		return
	case "runuser", "flock", "sg":
		if s, ok := optValue(argv, "-c", "--command"); ok {
			a.nestedText(f, n, s, name+" -c")
			return
		}
	case "env":
		if s, ok := optValue(argv, "-S", "--split-string"); ok {
			a.nestedText(f, n, s, "env -S")
			return
		}
		if i, ok := unwrapOnce(argv); !ok || i >= len(argv) {
			a.envDump(f, n, "env")
			return
		}
	case "watch":
		i := skipOpts(argv, 1, setOf("-n", "--interval", "-d", "--differences"))
		if i < len(argv) {
			a.nestedText(f, n, strings.Join(argv[i:], " "), "watch")
		}
		return
	case "script":
		if s, ok := optValue(argv, "-c", "--command"); ok {
			a.nestedText(f, n, s, "script -c")
			return
		}
	case "alias":
		// An alias runs its text whenever its name is typed later.
		for _, x := range argv[1:] {
			if _, v, ok := strings.Cut(x, "="); ok && v != "" {
				a.nestedText(f, n, v, "alias")
			}
		}
	case "ssh":
		// The remote command runs on another machine, but destroying or
		// leaking data there is no better.
		p := positional(argv, sshValueOpts)
		if len(p) > 1 {
			a.nestedText(f, n, strings.Join(p[1:], " "), "remote command over ssh")
		}
	}
	if i, ok := unwrapOnce(argv); ok {
		a.simple(f, n, argv[i:], sliceWords(ws, i))
		return
	}
	switch name {
	case "find":
		a.find(f, n, argv, ws)
		return
	case "eval":
		a.evalCmd(f, n, argv, ws)
		return
	case "source", ".":
		a.dynamicCode(f, n, name, ws)
		a.execDownloaded(f, n, argv)
		return
	}
	if interp := interpreterName(name); interp != "" {
		a.interpreter(f, n, interp, argv, ws)
	}
	a.checkCall(f, n, argv, ws)
}

func optValue(argv []string, flags ...string) (string, bool) {
	for i := 1; i < len(argv); i++ {
		for _, fl := range flags {
			if argv[i] == fl && i+1 < len(argv) {
				return argv[i+1], true
			}
			if strings.HasPrefix(fl, "--") && strings.HasPrefix(argv[i], fl+"=") {
				return argv[i][len(fl)+1:], true
			}
		}
	}
	return "", false
}

func (a *analyzer) privilegeWrapper(f *frame, n syntax.Node, argv []string) {
	name := baseName(argv[0])
	i, ok := unwrapOnce(argv)
	if !ok || hasFlag(argv, "-i", "-s", "--login", "--shell") && i >= len(argv) {
		a.report(f, n, "command.privilege.root-shell", airlock.High, airlock.ConfidenceHigh,
			"`"+name+"` opens a root shell", "run the specific command that needs privileges, and ask the user first", "CWE-250")
		return
	}
	a.report(f, n, "command.privilege.sudo", airlock.Medium, airlock.ConfidenceHigh,
		"`"+name+"` runs `"+baseName(argv[i])+"` with root privileges",
		"run it without elevated privileges, or ask the user to run it", "CWE-250")
	if isShell(argv[i]) && len(argv) == i+1 || baseName(argv[i]) == "su" {
		a.report(f, n, "command.privilege.root-shell", airlock.High, airlock.ConfidenceHigh,
			"`"+name+"` opens a root shell", "run the specific command that needs privileges, and ask the user first", "CWE-250")
	}
}

// interpreter handles sh -c, python -c and friends.
func (a *analyzer) interpreter(f *frame, n syntax.Node, interp string, argv []string, ws []word) {
	a.dynamicCode(f, n, interp, ws)
	if shells[interp] {
		if s, i, ok := shellScript(argv); ok {
			if i >= len(ws) || ws[i].static || ws[i].fromVars {
				a.nestedText(f, n, s, interp+" -c")
			}
		} else if p := positional(argv, setOf("-o", "+o", "-O", "+O")); len(p) > 0 {
			a.execDownloaded(f, n, []string{p[0]})
		}
		return
	}
	code, ok := interpCode(argv)
	if !ok {
		if p := positional(argv, setOf("-m", "-W", "-X", "-I", "-r")); len(p) > 0 && !hasFlag(argv, "-m") {
			a.execDownloaded(f, n, []string{p[0]})
		}
		return
	}
	switch {
	case revShellRe.MatchString(code):
		a.report(f, n, "command.rce.reverse-shell", airlock.Critical, airlock.ConfidenceMedium,
			interp+" code opens a network socket and attaches a shell or process to it (reverse shell)",
			"do not run it", "CWE-78")
	case decodeCallRe.MatchString(code) && execCallRe.MatchString(code):
		a.report(f, n, "command.obfuscation.decode-exec", airlock.High, airlock.ConfidenceHigh,
			interp+" code decodes a hidden payload and executes it",
			"run the decoded code in the clear so it can be reviewed", "CWE-506")
	case remoteFetchRe.MatchString(code) && execCallRe.MatchString(code):
		a.report(f, n, "command.rce.remote-exec", airlock.High, airlock.ConfidenceMedium,
			interp+" code downloads something and executes it",
			"download to a file, verify it and review it before running it", "CWE-494")
	}
	for _, m := range codeStringRe.FindAllStringSubmatch(code, 8) {
		s := m[2]
		if s == "" {
			s = m[3]
		}
		if s != "" {
			a.nestedText(f, n, s, interp+" os.system/subprocess string")
		}
	}
}

// codeStringRe finds shell commands passed as literal strings to
// os.system, subprocess.*(…, shell=True) or child_process.exec*.
var codeStringRe = lazyre.New(`(os\.system|os\.popen|subprocess\.(?:run|call|check_call|check_output|Popen)|execSync|exec|system)\(\s*(?:"([^"\\]{1,1000})"|'([^'\\]{1,1000})')`)

// dynamicCode flags code that is fetched or decoded at run time and handed
// to an interpreter: sh -c "$(curl …)", bash <(curl …), eval "$(… | base64 -d)".
func (a *analyzer) dynamicCode(f *frame, n syntax.Node, interp string, ws []word) {
	for _, w := range ws {
		var nodes []syntax.Node
		for _, s := range w.subst {
			nodes = append(nodes, s)
		}
		for _, p := range w.procSub {
			nodes = append(nodes, p)
		}
		for _, nd := range nodes {
			switch {
			case a.stmtsHave(nd, isDownloader):
				a.report(f, n, "command.rce.curl-pipe-shell", airlock.Critical, airlock.ConfidenceHigh,
					"downloaded content is run by "+interp+" without being saved or reviewed",
					"download to a file, check its checksum or signature and read it before running it", "CWE-494")
			case a.stmtsHave(nd, isDecoder):
				a.report(f, n, "command.obfuscation.decode-pipe-shell", airlock.Critical, airlock.ConfidenceHigh,
					"decoded data is run by "+interp+", hiding the code that runs",
					"run the decoded commands in the clear so they can be reviewed", "CWE-506")
			}
		}
	}
}

func (a *analyzer) evalCmd(f *frame, n syntax.Node, argv []string, ws []word) {
	a.dynamicCode(f, n, "eval", ws)
	if len(argv) < 2 {
		return
	}
	known := true
	decoded := false
	for _, w := range ws[1:] {
		if !w.static && !w.fromVars {
			known = false
		}
		if w.indirect || w.ansiC {
			decoded = true
		}
	}
	text := strings.Join(argv[1:], " ")
	if known {
		if decoded {
			a.report(f, n, "command.obfuscation.decoded-exec", airlock.High, airlock.ConfidenceHigh,
				"eval runs code that was decoded or assembled at run time",
				"run the commands in the clear so they can be reviewed", "CWE-506")
		}
		a.nestedText(f, n, text, "eval")
	}
}

func (a *analyzer) find(f *frame, n syntax.Node, argv []string, ws []word) {
	// find's start points come before the first expression token.
	var roots []string
	i := 1
	for i < len(argv) && (argv[i] == "-H" || argv[i] == "-L" || argv[i] == "-P") {
		i++
	}
	for ; i < len(argv); i++ {
		if strings.HasPrefix(argv[i], "-") || argv[i] == "(" || argv[i] == "!" {
			break
		}
		roots = append(roots, argv[i])
	}
	deletes := false
	for j := i; j < len(argv); j++ {
		switch argv[j] {
		case "-delete":
			deletes = true
		case "-exec", "-execdir", "-ok", "-okdir":
			k := j + 1
			for k < len(argv) && argv[k] != ";" && argv[k] != "+" && argv[k] != `\;` {
				k++
			}
			if k > j+1 {
				sub := argv[j+1 : k]
				if baseName(sub[0]) == "rm" {
					deletes = true
				}
				if !credentialExempt[baseName(sub[0])] {
					for _, r := range roots {
						a.readFrom(f, n, r, "find -exec "+baseName(sub[0]))
					}
				}
				a.simple(f, n, sub, sliceWords(ws, j+1)[:min(len(sub), len(sliceWords(ws, j+1)))])
			}
			j = k
		}
	}
	if deletes {
		for _, r := range roots {
			if what, ok := a.rootLike(r); ok {
				a.report(f, n, "command.destructive.rm-root", airlock.Critical, airlock.ConfidenceHigh,
					"find deletes files across "+what, "limit the search to the project's build output", "CWE-1220")
				break
			}
		}
	}
	a.checkPaths(f, n, argv, ws)
}

// envDump reports printing the whole environment.
func (a *analyzer) envDump(f *frame, n syntax.Node, name string) {
	sev := airlock.Medium
	if st, ok := n.(*syntax.Stmt); ok {
		switch a.pipedTo[st] {
		case "grep", "egrep", "rg", "sort", "head", "wc", "cut", "awk", "sed", "less", "more", "cat", "tail", "uniq":
			sev = airlock.Low
		}
	}
	a.report(f, n, "command.credentials.env-dump", sev, airlock.ConfidenceMedium,
		"`"+name+"` prints every environment variable, including tokens and keys",
		"print only the variable you need", "CWE-526")
}

// checkCall applies the per-command rules to an unwrapped argv.
func (a *analyzer) checkCall(f *frame, n syntax.Node, argv []string, ws []word) {
	name := baseName(argv[0])
	if strings.HasPrefix(name, "mkfs.") {
		a.mkfs(f, n, name)
	}
	switch name {
	case "rm", "unlink", "rmdir":
		a.rm(f, n, argv, ws)
	case "shred", "wipe", "srm":
		a.shred(f, n, argv)
	case "dd":
		for _, x := range argv[1:] {
			if strings.HasPrefix(x, "of=") {
				a.writeTo(f, n, strings.TrimPrefix(x, "of="), "dd")
			}
			if strings.HasPrefix(x, "if=") {
				a.readFrom(f, n, strings.TrimPrefix(x, "if="), "dd")
			}
		}
	case "wipefs", "blkdiscard", "sfdisk", "sgdisk", "fdisk", "parted", "cfdisk", "gdisk":
		if !hasFlag(argv, "-l", "--list", "-p", "--print") && !(name == "parted" && containsArg(argv, "print")) {
			a.report(f, n, "command.destructive.disk", airlock.Critical, airlock.ConfidenceHigh,
				"`"+name+"` rewrites a disk's partition table or signatures", "do not let an agent modify disks", "CWE-1220")
		}
	case "chmod", "chown", "chgrp":
		a.chmod(f, n, argv)
	case "git":
		a.git(f, n, argv)
	case "kill", "pkill", "killall":
		a.kill(f, n, argv)
	case "shutdown", "reboot", "halt", "poweroff":
		a.report(f, n, "command.destructive.shutdown", airlock.High, airlock.ConfidenceHigh,
			"`"+name+"` stops or restarts the machine", "ask the user to do it", "")
	case "init", "telinit":
		if p := positional(argv, nil); len(p) == 1 && (p[0] == "0" || p[0] == "6") {
			a.report(f, n, "command.destructive.shutdown", airlock.High, airlock.ConfidenceHigh,
				"`"+name+" "+p[0]+"` stops or restarts the machine", "ask the user to do it", "")
		}
	case "mv":
		p := positional(argv, setOf("-t", "-S", "--target-directory", "--suffix"))
		for _, src := range p[:max(len(p)-1, 0)] {
			a.addWrite(src)
			if cls, label := a.classify(src); cls == pathGuard {
				a.report(f, n, "command.safety.guard-tamper", airlock.High, airlock.ConfidenceHigh,
					"the command moves "+label+" away", "only the user may change the guard", "CWE-693")
			}
		}
		if len(p) >= 2 && p[len(p)-1] == "/dev/null" {
			a.report(f, n, "command.destructive.rm-files", airlock.High, airlock.ConfidenceHigh,
				"moving files to /dev/null destroys them", "delete only what you mean to, by name", "")
		}
	case "terraform", "tofu", "pulumi":
		if containsArg(argv, "destroy") || name == "terraform" && containsArg(argv, "apply") && hasFlag(argv, "-destroy") {
			a.report(f, n, "command.destructive.infra-destroy", airlock.High, airlock.ConfidenceHigh,
				"`"+name+" destroy` deletes real infrastructure", "ask the user to run destroy", "")
		}
	case "kubectl":
		if len(argv) > 2 && argv[1] == "delete" && (containsArg(argv, "--all") || containsArg(argv, "namespace") || containsArg(argv, "ns") || containsArg(argv, "--all-namespaces") || containsArg(argv, "-A")) {
			a.report(f, n, "command.destructive.infra-destroy", airlock.High, airlock.ConfidenceHigh,
				"`kubectl delete` removes whole namespaces or every resource", "delete named resources only, after review", "")
		}
		a.kubectl(f, n, argv)
	case "psql", "mysql", "mariadb", "sqlite3", "clickhouse-client", "mongo", "mongosh":
		a.sqlDrop(f, n, argv)
	case "redis-cli":
		if containsFold(argv, "flushall") || containsFold(argv, "flushdb") {
			a.report(f, n, "command.destructive.db-drop", airlock.High, airlock.ConfidenceHigh,
				"redis FLUSHALL/FLUSHDB deletes every key", "do not wipe databases from an agent", "")
		}
	case "mkfs", "mke2fs", "mkswap", "newfs":
		a.mkfs(f, n, name)
	case "crontab":
		if !(len(argv) == 2 && argv[1] == "-l") && !(len(argv) == 3 && argv[1] == "-u" && false) && !hasFlag(argv, "-l") || hasFlag(argv, "-e") {
			a.report(f, n, "command.persistence.crontab", airlock.High, airlock.ConfidenceHigh,
				"the command installs or edits a cron table, so code runs again later without the agent",
				"ask the user to schedule jobs", "CWE-506")
		}
	case "systemctl":
		a.systemctl(f, n, argv)
	case "service":
		if len(argv) > 2 && securityServices[argv[1]] && (argv[2] == "stop" || argv[2] == "disable") {
			a.report(f, n, "command.safety.security-off", airlock.High, airlock.ConfidenceHigh,
				"the command stops security service "+argv[1], "leave security services running", "CWE-693")
		}
	case "update-rc.d", "chkconfig", "launchctl", "at", "batch", "rc-update":
		installs := true
		switch name {
		case "launchctl":
			installs = containsArg(argv, "load") || containsArg(argv, "bootstrap") || containsArg(argv, "submit")
		case "update-rc.d", "chkconfig", "rc-update":
			installs = !containsArg(argv, "remove") && !containsArg(argv, "disable") && !containsArg(argv, "del") && !containsArg(argv, "--list")
		}
		if installs {
			a.report(f, n, "command.persistence.service", airlock.Medium, airlock.ConfidenceMedium,
				"`"+name+"` schedules code to run later or at boot", "ask the user to install services or jobs", "CWE-506")
		}
	case "usermod", "gpasswd", "adduser", "addgroup", "useradd":
		a.userGroups(f, n, argv)
	case "visudo":
		a.report(f, n, "command.privilege.sudoers", airlock.High, airlock.ConfidenceHigh,
			"the command edits sudo rules", "ask the user to change privileges", "CWE-269")
	case "setcap":
		a.report(f, n, "command.privilege.setuid", airlock.High, airlock.ConfidenceHigh,
			"`setcap` gives a program root capabilities", "ask the user to change privileges", "CWE-250")
	case "nsenter":
		a.report(f, n, "command.privilege.container-escape", airlock.High, airlock.ConfidenceMedium,
			"`nsenter` enters another process's namespaces (often the host's)", "do not cross container boundaries", "CWE-250")
	case "docker", "podman", "nerdctl":
		a.docker(f, n, argv)
	case "setenforce":
		if containsArg(argv, "0") || containsFold(argv, "permissive") {
			a.report(f, n, "command.safety.security-off", airlock.High, airlock.ConfidenceHigh,
				"the command turns SELinux enforcement off", "leave SELinux enforcing", "CWE-693")
		}
	case "ufw":
		if containsArg(argv, "disable") {
			a.report(f, n, "command.safety.security-off", airlock.High, airlock.ConfidenceHigh,
				"the command disables the firewall", "leave the firewall on", "CWE-693")
		}
	case "iptables", "ip6tables", "nft":
		if hasFlag(argv, "-F", "--flush") || containsArg(argv, "flush") || hasFlag(argv, "-P") && containsArg(argv, "ACCEPT") {
			a.report(f, n, "command.safety.security-off", airlock.High, airlock.ConfidenceHigh,
				"the command flushes firewall rules or opens the default policy", "leave the firewall rules alone", "CWE-693")
		}
	case "aa-teardown", "aa-disable", "auditctl":
		if name != "auditctl" || containsArg(argv, "-e") && containsArg(argv, "0") || hasFlag(argv, "-D") {
			a.report(f, n, "command.safety.security-off", airlock.High, airlock.ConfidenceHigh,
				"the command disables AppArmor or auditing", "leave security services running", "CWE-693")
		}
	case "history":
		if hasFlag(argv, "-c", "-w", "-d") && !hasFlag(argv, "-w") || hasFlag(argv, "-c") {
			a.report(f, n, "command.safety.history-off", airlock.Medium, airlock.ConfidenceHigh,
				"the command clears shell history, hiding what was run", "leave history alone", "CWE-778")
		}
	case "set":
		if len(argv) == 1 {
			a.envDump(f, n, "set")
		} else if containsArg(argv, "+o") && containsArg(argv, "history") {
			a.report(f, n, "command.safety.history-off", airlock.Medium, airlock.ConfidenceHigh,
				"the command stops recording shell history, hiding what is run next", "leave history on", "CWE-778")
		}
	case "unset":
		if containsArg(argv, "HISTFILE") {
			a.report(f, n, "command.safety.history-off", airlock.Medium, airlock.ConfidenceHigh,
				"the command stops recording shell history, hiding what is run next", "leave history on", "CWE-778")
		}
	case "printenv":
		if len(positional(argv, nil)) == 0 {
			a.envDump(f, n, "printenv")
		}
	case "export", "declare", "typeset":
		if len(argv) == 1 || len(argv) == 2 && (argv[1] == "-p" || argv[1] == "-x") {
			a.envDump(f, n, name)
		}
	case "gcloud", "az", "gh", "aws", "security", "git-credential", "heroku", "doctl", "vault", "op":
		a.tokenPrint(f, n, argv)
	case "nc", "ncat", "netcat", "socat", "telnet":
		a.netcat(f, n, argv)
	case "scp", "rsync", "sftp":
		a.copyRemote(f, n, argv)
	case "nslookup", "dig", "host", "drill":
		for _, w := range ws[1:] {
			if len(w.subst) > 0 {
				a.report(f, n, "command.exfil.dns", airlock.High, airlock.ConfidenceMedium,
					"command output is put into a DNS name, a way to leak data through DNS lookups",
					"do not send local data in DNS queries", "CWE-200")
				break
			}
		}
	case "airlock":
		if containsArg(argv, "--uninstall") || len(argv) > 2 && argv[1] == "init" && containsArg(argv, "--force") {
			a.report(f, n, "command.safety.guard-tamper", airlock.High, airlock.ConfidenceHigh,
				"the command removes or rewrites Airlock's own hooks", "only the user may change the guard", "CWE-693")
		}
	case "claude", "codex", "cursor-agent", "gemini", "aider":
		if hasFlag(argv, "--dangerously-skip-permissions", "--dangerously-bypass-approvals-and-sandbox", "--yolo", "--yes-always") ||
			containsArg(argv, "bypassPermissions") {
			a.report(f, n, "command.safety.agent-unguarded", airlock.High, airlock.ConfidenceHigh,
				"the command starts a coding agent with its permission checks turned off",
				"run agents with their checks and hooks on", "CWE-693")
		}
	case "npm", "pnpm", "yarn", "bun":
		a.npmConfig(f, n, argv)
	case "pip", "pip3":
		if hasFlag(argv, "--trusted-host") {
			a.report(f, n, "command.safety.tls-verify-off", airlock.Medium, airlock.ConfidenceHigh,
				"`--trusted-host` turns off TLS verification for a package index", "use an index with a valid certificate", "CWE-295")
		}
	}
	a.packages(f, n, argv)
	a.network(f, n, argv, ws)
	a.checkPaths(f, n, argv, ws)
	a.execDownloaded(f, n, argv)
}

func containsArg(argv []string, s string) bool {
	for _, a := range argv[min(1, len(argv)):] {
		if a == s {
			return true
		}
	}
	return false
}

func containsFold(argv []string, s string) bool {
	for _, a := range argv[min(1, len(argv)):] {
		if strings.Contains(strings.ToLower(a), s) {
			return true
		}
	}
	return false
}

func (a *analyzer) rm(f *frame, n syntax.Node, argv []string, ws []word) {
	name := baseName(argv[0])
	if name == "rmdir" {
		return // removes only empty directories
	}
	recursive := hasShortFlag(argv, 'r') || hasShortFlag(argv, 'R') || hasFlag(argv, "--recursive")
	if hasFlag(argv, "--no-preserve-root") {
		a.report(f, n, "command.destructive.rm-root", airlock.Critical, airlock.ConfidenceHigh,
			"rm --no-preserve-root deletes the whole file system", "never run it", "CWE-1220")
	}
	dashdash := false
	for i := 1; i < len(argv); i++ {
		t := argv[i]
		if !dashdash && t == "--" {
			dashdash = true
			continue
		}
		if !dashdash && strings.HasPrefix(t, "-") && t != "-" {
			continue
		}
		var w word
		if i < len(ws) {
			w = ws[i]
		}
		a.addWrite(t)
		if recursive {
			if what, ok := a.rootLike(t); ok {
				a.report(f, n, "command.destructive.rm-root", airlock.Critical, airlock.ConfidenceHigh,
					"recursive delete of "+what, "delete only the specific build or cache directory you mean", "CWE-1220")
				continue
			}
			if what, ok := a.projectLike(t); ok {
				a.report(f, n, "command.destructive.rm-project", airlock.High, airlock.ConfidenceHigh,
					"recursive delete of "+what, "delete only the specific build or cache directory you mean", "CWE-1220")
				continue
			}
			if w.node != nil && unsetVarPrefix(w.node) {
				a.report(f, n, "command.destructive.rm-unset-var", airlock.Medium, airlock.ConfidenceMedium,
					"recursive delete of a path that starts with a variable: if it is empty the delete hits /",
					`use "${VAR:?}/…" so an empty variable stops the command`, "CWE-1220")
				continue
			}
		}
		switch cls, label := a.classify(t); cls {
		case pathGuard:
			a.report(f, n, "command.safety.guard-tamper", airlock.High, airlock.ConfidenceHigh,
				"the command deletes "+label, "only the user may change the guard", "CWE-693")
		case pathLogs:
			a.report(f, n, "command.safety.history-off", airlock.Medium, airlock.ConfidenceHigh,
				"the command deletes "+label+", hiding what was done", "leave logs alone", "CWE-778")
		case pathCredential, pathAuthKeys:
			a.report(f, n, "command.destructive.rm-files", airlock.High, airlock.ConfidenceHigh,
				"the command deletes "+label, "ask the user before removing credentials", "")
		}
	}
}

// projectLike reports targets that are the whole working tree or repository.
func (a *analyzer) projectLike(t string) (string, bool) {
	c := path.Clean(strings.TrimSuffix(t, "*"))
	switch c {
	case ".", "..", "../..":
		return "the current project", true
	case ".git":
		return "the repository's history (.git)", true
	}
	if t == "*" || t == "./*" || t == ".*" {
		return "everything in the current directory", true
	}
	if a.opt.Cwd != "" {
		cwd := path.Clean(a.opt.Cwd)
		if c == cwd || strings.HasPrefix(cwd, c+"/") && c != "." {
			return "the working directory " + cwd, true
		}
		if strings.HasSuffix(c, "/.git") && c == cwd+"/.git" {
			return "the repository's history (.git)", true
		}
	}
	n := strings.TrimSuffix(t, "/")
	if strings.HasPrefix(n, "~/") && !strings.Contains(n[2:], "/") && !strings.HasPrefix(n[2:], ".") {
		return "top-level home directory " + n, true
	}
	return "", false
}

// unsetVarPrefix reports words like $DIR/ or "${X}"/* whose value starts
// with a plain variable expansion followed by a slash.
func unsetVarPrefix(w *syntax.Word) bool {
	parts := w.Parts
	if len(parts) == 1 {
		if dq, ok := parts[0].(*syntax.DblQuoted); ok {
			parts = dq.Parts
		}
	}
	if len(parts) < 2 {
		return false
	}
	first := parts[0]
	if dq, ok := first.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		first = dq.Parts[0]
	}
	pe, ok := first.(*syntax.ParamExp)
	if !ok || !simpleParam(pe) || pe.Param.Value == "HOME" || pe.Param.Value == "PWD" {
		return false
	}
	next := ""
	switch p := parts[1].(type) {
	case *syntax.Lit:
		next = p.Value
	case *syntax.DblQuoted:
		if len(p.Parts) > 0 {
			if l, ok := p.Parts[0].(*syntax.Lit); ok {
				next = l.Value
			}
		}
	case *syntax.SglQuoted:
		next = p.Value
	}
	return strings.HasPrefix(next, "/")
}

func (a *analyzer) shred(f *frame, n syntax.Node, argv []string) {
	for _, t := range positional(argv, setOf("-n", "-s", "--iterations", "--size", "--random-source")) {
		cls, label := a.classify(t)
		switch cls {
		case pathBlockDevice:
			a.report(f, n, "command.destructive.disk", airlock.Critical, airlock.ConfidenceHigh,
				"the command overwrites a whole "+label, "do not let an agent wipe disks", "CWE-1220")
		case pathLogs:
			a.report(f, n, "command.safety.history-off", airlock.Medium, airlock.ConfidenceHigh,
				"the command destroys "+label+", hiding what was done", "leave logs alone", "CWE-778")
		default:
			if _, ok := a.rootLike(t); ok {
				a.report(f, n, "command.destructive.disk", airlock.Critical, airlock.ConfidenceHigh,
					"the command overwrites system files", "do not run it", "CWE-1220")
			}
		}
	}
}

func (a *analyzer) mkfs(f *frame, n syntax.Node, name string) {
	a.report(f, n, "command.destructive.disk", airlock.Critical, airlock.ConfidenceHigh,
		"`"+name+"` formats a disk or partition, destroying its data", "do not let an agent format disks", "CWE-1220")
}

var (
	setgidOnlyRe = lazyre.New(`^(0?2[0-7]{3}|g\+s)$`)
	setuidModeRe = lazyre.New(`^([0-7]?[2467][0-7]{3}|[ugoa]*[+=][rwxXt]*s[rwxXst]*)$`)
	worldModeRe  = lazyre.New(`^(0?[0-7]?[0-7][0-7][67]|0?[0-7]?[0-7][0-7]2|[ugoa]*a[ugoa]*[+=]r?w|o[+=]r?w[x]?|[+=]rwx|a\+rwx)$`)
)

func (a *analyzer) chmod(f *frame, n syntax.Node, argv []string) {
	name := baseName(argv[0])
	p := positional(argv, setOf("--reference"))
	recursive := hasShortFlag(argv, 'R') || hasFlag(argv, "--recursive")
	if len(p) < 2 {
		return
	}
	targets := p[1:]
	if recursive {
		for _, t := range targets {
			if what, ok := a.rootLike(t); ok {
				a.report(f, n, "command.destructive.perm-root", airlock.High, airlock.ConfidenceHigh,
					"recursive "+name+" over "+what+" breaks permissions across the system", "change only the files that need it", "CWE-732")
				break
			}
		}
	}
	if name != "chmod" {
		if strings.HasPrefix(p[0], "root") && recursive {
			return
		}
		return
	}
	mode := p[0]
	for _, m := range strings.Split(mode, ",") {
		switch {
		case setgidOnlyRe.MatchString(m):
			a.report(f, n, "command.privilege.setgid", airlock.Low, airlock.ConfidenceMedium,
				"chmod "+mode+" sets the setgid bit (harmless on shared directories, a privilege grant on programs)",
				"check the target is a directory", "CWE-250")
		case setuidModeRe.MatchString(m):
			a.report(f, n, "command.privilege.setuid", airlock.High, airlock.ConfidenceHigh,
				"chmod "+mode+" sets the setuid/setgid bit, so the program runs with its owner's privileges",
				"do not create setuid programs", "CWE-250")
		case worldModeRe.MatchString(m):
			a.report(f, n, "command.privilege.world-writable", airlock.Medium, airlock.ConfidenceHigh,
				"chmod "+mode+" makes files writable by every user", "grant write access only to the owner (e.g. 755 or 644)", "CWE-732")
		}
	}
	if strings.Contains(mode, "x") || strings.ContainsAny(mode, "1357") {
		for _, t := range targets {
			if cls, label := a.classify(t); cls == pathPersistence {
				a.report(f, n, "command.persistence.startup-write", airlock.High, airlock.ConfidenceHigh,
					"the command makes a "+label+" executable, so it runs automatically later",
					"ask the user to install hooks", "CWE-506")
			}
		}
	}
}

func (a *analyzer) git(f *frame, n syntax.Node, argv []string) {
	// git's global options come before the subcommand.
	i := 1
	for i < len(argv) && strings.HasPrefix(argv[i], "-") {
		o := argv[i]
		if o == "-c" && i+1 < len(argv) {
			a.gitConfigKV(f, n, argv[i+1])
			i += 2
			continue
		}
		if o == "-C" || o == "--git-dir" || o == "--work-tree" || o == "--namespace" {
			i += 2
			continue
		}
		i++
	}
	if i >= len(argv) {
		return
	}
	sub, rest := argv[i], argv[i:]
	switch sub {
	case "push":
		if hasFlag(rest, "--force", "-f", "--mirror") || hasShortFlag(rest, 'f') {
			a.report(f, n, "command.destructive.git-force-push", airlock.High, airlock.ConfidenceHigh,
				"git push --force rewrites the remote branch and can destroy others' commits",
				"push normally, or use --force-with-lease after review", "")
		}
		for _, r := range positional(rest, setOf("-o", "--push-option", "--repo", "--receive-pack", "--exec")) {
			if strings.HasPrefix(r, "+") {
				a.report(f, n, "command.destructive.git-force-push", airlock.High, airlock.ConfidenceHigh,
					"a +refspec force-pushes and can destroy others' commits", "push normally", "")
			}
			if strings.HasPrefix(r, ":") && len(r) > 1 || hasFlag(rest, "--delete", "-d") {
				a.report(f, n, "command.destructive.git-delete-remote", airlock.Medium, airlock.ConfidenceHigh,
					"the command deletes a remote branch or tag", "ask the user before deleting remote refs", "")
				break
			}
		}
		a.noVerify(f, n, rest)
	case "reset":
		if hasFlag(rest, "--hard") {
			a.report(f, n, "command.destructive.git-discard", airlock.Medium, airlock.ConfidenceHigh,
				"git reset --hard throws away uncommitted changes", "commit or stash first (git stash)", "")
		}
	case "clean":
		if hasShortFlag(rest, 'f') || hasFlag(rest, "--force") {
			switch {
			case hasShortFlag(rest, 'x') || hasShortFlag(rest, 'X'):
				a.report(f, n, "command.destructive.git-discard", airlock.Medium, airlock.ConfidenceHigh,
					"git clean -x deletes ignored files too, such as .env files and local data",
					"list them first with git clean -n", "")
			case hasShortFlag(rest, 'd'):
				a.report(f, n, "command.destructive.git-clean", airlock.Low, airlock.ConfidenceMedium,
					"git clean -fd deletes untracked files and directories that may hold new work",
					"list them first with git clean -n", "")
			}
		}
	case "checkout", "restore":
		p := positional(rest, nil)
		if (containsArg(rest, "--") || sub == "restore") && len(p) > 0 && (p[len(p)-1] == "." || p[len(p)-1] == ":/") || hasFlag(rest, "-f", "--force") && sub == "checkout" {
			a.report(f, n, "command.destructive.git-discard", airlock.Medium, airlock.ConfidenceMedium,
				"the command discards uncommitted changes in the working tree", "commit or stash first", "")
		}
	case "stash":
		if len(rest) > 1 && (rest[1] == "clear" || rest[1] == "drop") {
			a.report(f, n, "command.destructive.git-discard", airlock.Medium, airlock.ConfidenceHigh,
				"the command deletes stashed changes", "ask the user first", "")
		}
	case "filter-branch", "filter-repo":
		a.report(f, n, "command.destructive.git-rewrite", airlock.Medium, airlock.ConfidenceHigh,
			"the command rewrites the repository's history", "ask the user first", "")
	case "commit", "merge", "rebase", "am", "cherry-pick", "revert", "pull":
		a.noVerify(f, n, rest)
		if sub == "commit" && hasShortFlag(rest, 'n') && !hasFlag(rest, "--dry-run") {
			a.report(f, n, "command.safety.no-verify", airlock.Medium, airlock.ConfidenceHigh,
				"git commit -n skips the pre-commit hooks (where checks such as Airlock run)",
				"commit without -n and fix what the hooks report", "CWE-693")
		}
	case "config":
		p := positional(rest, setOf("--file", "-f", "--blob", "--type", "--default", "--comment"))
		if len(p) >= 1 && !hasFlag(rest, "--get", "--get-all", "--list", "-l", "--get-regexp", "--unset", "--unset-all") {
			val := ""
			if len(p) >= 2 {
				val = p[1]
			}
			a.gitConfigKV(f, n, p[0]+"="+val)
		}
	case "credential":
		if len(rest) > 1 && rest[1] == "fill" {
			a.report(f, n, "command.credentials.token-print", airlock.High, airlock.ConfidenceHigh,
				"git credential fill prints stored git passwords and tokens", "let git use its credentials itself", "CWE-522")
		}
	}
}

func (a *analyzer) noVerify(f *frame, n syntax.Node, argv []string) {
	if hasFlag(argv, "--no-verify") {
		a.report(f, n, "command.safety.no-verify", airlock.Medium, airlock.ConfidenceHigh,
			"--no-verify skips git hooks (where checks such as Airlock run)",
			"run without --no-verify and fix what the hooks report", "CWE-693")
	}
}

func (a *analyzer) gitConfigKV(f *frame, n syntax.Node, kv string) {
	k, v, _ := strings.Cut(kv, "=")
	key := strings.ToLower(k)
	switch {
	case key == "core.hookspath":
		a.report(f, n, "command.safety.git-hooks-path", airlock.High, airlock.ConfidenceHigh,
			"setting core.hooksPath replaces the repository's git hooks (and the checks they run)",
			"leave core.hooksPath alone", "CWE-693")
	case key == "http.sslverify" && (strings.EqualFold(v, "false") || v == "0"):
		a.report(f, n, "command.safety.tls-verify-off", airlock.Medium, airlock.ConfidenceHigh,
			"the command turns off TLS certificate checks for git", "fix the certificate instead", "CWE-295")
	case key == "core.sshcommand" || key == "core.fsmonitor" || key == "core.pager" || key == "core.editor" ||
		key == "sequence.editor" || strings.HasPrefix(key, "alias.") && strings.HasPrefix(v, "!") ||
		strings.HasPrefix(key, "filter.") && (strings.HasSuffix(key, ".clean") || strings.HasSuffix(key, ".smudge")) ||
		key == "credential.helper" && strings.HasPrefix(v, "!"):
		if v != "" {
			a.report(f, n, "command.persistence.git-config-exec", airlock.Medium, airlock.ConfidenceMedium,
				"git config "+k+" makes git run a command later", "ask the user to change git's configuration", "CWE-506")
		}
	}
}

func (a *analyzer) kill(f *frame, n syntax.Node, argv []string) {
	for _, x := range positional(argv, setOf("-s", "-n", "-u", "-U", "-g", "-G")) {
		if x == "-1" || x == "1" && baseName(argv[0]) == "kill" {
			a.report(f, n, "command.destructive.kill-all", airlock.High, airlock.ConfidenceHigh,
				"the command kills every process it can (or init)", "kill the specific process by PID", "")
			return
		}
	}
	if hasFlag(argv, "-1", "-9") && containsArg(argv, "-1") {
		a.report(f, n, "command.destructive.kill-all", airlock.High, airlock.ConfidenceHigh,
			"kill -9 -1 kills every process the user owns", "kill the specific process by PID", "")
	}
	for _, x := range argv[1:] {
		if strings.Contains(strings.ToLower(x), "airlock") {
			a.report(f, n, "command.safety.guard-tamper", airlock.High, airlock.ConfidenceMedium,
				"the command kills Airlock", "only the user may stop the guard", "CWE-693")
		}
	}
}

var sqlDropRe = lazyre.New(`(?i)\b(drop\s+(database|schema|table)|truncate\s+table|delete\s+from\s+\w+\s*(;|$))|db\.dropDatabase\(`)

func (a *analyzer) sqlDrop(f *frame, n syntax.Node, argv []string) {
	for _, x := range argv[1:] {
		if sqlDropRe.MatchString(x) {
			a.report(f, n, "command.destructive.db-drop", airlock.High, airlock.ConfidenceHigh,
				"the SQL drops or empties a database or table", "ask the user before deleting data", "")
			return
		}
	}
}

var securityServices = setOf("apparmor", "firewalld", "ufw", "auditd", "falcon-sensor", "falco", "osqueryd", "clamav-daemon", "clamav-freshclam", "wazuh-agent", "sshguard", "fail2ban", "selinux", "crowdstrike", "sentinelone", "elastic-agent", "nftables", "iptables")

func (a *analyzer) systemctl(f *frame, n syntax.Node, argv []string) {
	p := positional(argv, setOf("-H", "-M", "--host", "--machine", "-t", "--type", "-p", "--property", "-s", "--signal"))
	if len(p) == 0 {
		return
	}
	verb := p[0]
	units := p[1:]
	for _, u := range units {
		svc := strings.TrimSuffix(u, ".service")
		if securityServices[svc] && (verb == "stop" || verb == "disable" || verb == "mask" || verb == "kill") {
			a.report(f, n, "command.safety.security-off", airlock.High, airlock.ConfidenceHigh,
				"the command stops security service "+svc, "leave security services running", "CWE-693")
			return
		}
	}
	switch verb {
	case "enable", "link", "preset", "reenable", "add-wants", "add-requires":
		a.report(f, n, "command.persistence.service", airlock.Medium, airlock.ConfidenceMedium,
			"`systemctl "+verb+"` makes a service start at boot or login", "ask the user to install services", "CWE-506")
	case "poweroff", "reboot", "halt", "kexec", "suspend", "hibernate":
		a.report(f, n, "command.destructive.shutdown", airlock.High, airlock.ConfidenceHigh,
			"`systemctl "+verb+"` stops or restarts the machine", "ask the user to do it", "")
	}
}

var adminGroups = setOf("sudo", "wheel", "admin", "root", "docker", "adm", "lxd", "libvirt", "disk", "shadow")

func (a *analyzer) userGroups(f *frame, n syntax.Node, argv []string) {
	for i, x := range argv {
		grp := ""
		switch {
		case (x == "-G" || x == "-aG" || x == "--groups" || x == "-a") && i+1 < len(argv):
			grp = argv[i+1]
		case baseName(argv[0]) == "gpasswd" && x == "-a" && i+2 < len(argv):
			grp = argv[i+2]
		case (baseName(argv[0]) == "adduser" || baseName(argv[0]) == "addgroup") && i == len(argv)-1 && i >= 2:
			grp = x
		}
		for _, g := range strings.Split(grp, ",") {
			if adminGroups[g] {
				a.report(f, n, "command.privilege.admin-group", airlock.High, airlock.ConfidenceHigh,
					"the command adds a user to the "+g+" group, which grants root-equivalent rights",
					"ask the user to change group membership", "CWE-269")
				return
			}
		}
	}
}

func (a *analyzer) docker(f *frame, n syntax.Node, argv []string) {
	if len(argv) < 2 {
		return
	}
	sub := argv[1]
	if sub == "container" && len(argv) > 2 {
		sub = argv[2]
	}
	if sub != "run" && sub != "create" && sub != "exec" {
		return
	}
	for i, x := range argv {
		v := ""
		if i+1 < len(argv) {
			v = argv[i+1]
		}
		switch {
		case x == "--privileged" || x == "--privileged=true":
			a.report(f, n, "command.privilege.container-escape", airlock.High, airlock.ConfidenceHigh,
				"--privileged gives the container full access to the host", "drop --privileged; add only the capability needed", "CWE-250")
			return
		case (x == "-v" || x == "--volume" || x == "--mount") && (strings.HasPrefix(v, "/:") || strings.Contains(v, "source=/,") || strings.Contains(v, "docker.sock")),
			strings.HasPrefix(x, "--volume=/:") || strings.HasPrefix(x, "-v=/:"):
			a.report(f, n, "command.privilege.container-escape", airlock.High, airlock.ConfidenceHigh,
				"the container mounts the host's root file system or Docker socket, which is root on the host",
				"mount only the project directory", "CWE-250")
			return
		case x == "--pid=host" || x == "--pid" && v == "host" || strings.HasPrefix(x, "--cap-add") && (strings.Contains(strings.ToUpper(x+v), "SYS_ADMIN") || strings.Contains(strings.ToUpper(x+v), "ALL")):
			a.report(f, n, "command.privilege.container-escape", airlock.High, airlock.ConfidenceHigh,
				"the container shares the host's processes or gets admin capabilities", "drop those options", "CWE-250")
			return
		}
	}
}

func (a *analyzer) kubectl(f *frame, n syntax.Node, argv []string) {
	if len(argv) > 2 && argv[1] == "config" && argv[2] == "view" && hasFlag(argv, "--raw", "--flatten") {
		a.report(f, n, "command.credentials.token-print", airlock.High, airlock.ConfidenceHigh,
			"kubectl config view --raw prints cluster credentials", "use kubectl with the configured context instead", "CWE-522")
	}
	if len(argv) > 3 && argv[1] == "get" && (argv[2] == "secret" || argv[2] == "secrets") && (hasFlag(argv, "-o", "--output") || containsFold(argv, "-ojson") || containsFold(argv, "-oyaml")) {
		a.report(f, n, "command.credentials.token-print", airlock.Medium, airlock.ConfidenceMedium,
			"the command prints Kubernetes secret values", "read only the key you need, and ask the user", "CWE-522")
	}
}

// tokenPrint catches cloud CLIs asked to print their tokens.
func (a *analyzer) tokenPrint(f *frame, n syntax.Node, argv []string) {
	name := baseName(argv[0])
	j := strings.Join(argv[1:], " ")
	hit := false
	switch name {
	case "gcloud":
		hit = strings.Contains(j, "print-access-token") || strings.Contains(j, "print-identity-token") || strings.Contains(j, "print-refresh-token")
	case "az":
		hit = strings.Contains(j, "get-access-token")
	case "gh":
		hit = strings.HasPrefix(j, "auth token") || strings.HasPrefix(j, "auth status") && hasFlag(argv, "--show-token", "-t")
	case "aws":
		hit = strings.Contains(j, "configure get aws_secret_access_key") || strings.Contains(j, "configure get aws_access_key_id") ||
			strings.Contains(j, "configure export-credentials") || strings.Contains(j, "secretsmanager get-secret-value")
	case "security":
		hit = strings.Contains(j, "find-generic-password") && hasFlag(argv, "-w", "-g") || strings.Contains(j, "find-internet-password") || strings.Contains(j, "dump-keychain")
	case "heroku":
		hit = strings.Contains(j, "auth:token")
	case "vault":
		hit = strings.HasPrefix(j, "print token") || strings.Contains(j, "token lookup")
	case "op":
		hit = strings.HasPrefix(j, "read ") || strings.Contains(j, "--reveal")
	}
	if hit {
		a.report(f, n, "command.credentials.token-print", airlock.High, airlock.ConfidenceHigh,
			"`"+name+"` prints a credential or access token", "let the tool use its credentials itself; never print them", "CWE-522")
	}
}

func (a *analyzer) npmConfig(f *frame, n syntax.Node, argv []string) {
	j := strings.Join(argv[1:], " ")
	if strings.Contains(j, "strict-ssl false") || strings.Contains(j, "strict-ssl=false") || strings.Contains(j, "enableStrictSsl false") {
		a.report(f, n, "command.safety.tls-verify-off", airlock.Medium, airlock.ConfidenceHigh,
			"the command turns off TLS checks for the package registry", "fix the certificate instead", "CWE-295")
	}
	if strings.Contains(j, "--unsafe-perm") {
		a.report(f, n, "command.safety.unsafe-perm", airlock.Low, airlock.ConfidenceMedium,
			"--unsafe-perm runs install scripts as root", "install without root", "CWE-250")
	}
}

func (a *analyzer) netcat(f *frame, n syntax.Node, argv []string) {
	name := baseName(argv[0])
	j := strings.Join(argv[1:], " ")
	if hasFlag(argv, "-e", "-c", "--exec", "--sh-exec", "--lua-exec") ||
		name == "socat" && (strings.Contains(strings.ToLower(j), "exec:") || strings.Contains(strings.ToLower(j), "system:")) {
		a.report(f, n, "command.rce.reverse-shell", airlock.Critical, airlock.ConfidenceHigh,
			"`"+name+"` attaches a program to a network connection (a bind or reverse shell)", "do not run it", "CWE-78")
	}
	for _, h := range positional(argv, setOf("-p", "-s", "-w", "-i", "-q", "-e", "-c", "-x", "-X", "-O")) {
		if hostLike(h) {
			a.addHost(h)
			break
		}
	}
}

var hostRe = lazyre.New(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$|^\d+\.\d+\.\d+\.\d+$`)

func hostLike(s string) bool {
	return hostRe.MatchString(s) && !strings.HasSuffix(s, ".sh") && !strings.HasSuffix(s, ".txt")
}

// remoteSpec splits scp/rsync's [user@]host:path.
func remoteSpec(s string) (string, bool) {
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "~") {
		return "", false
	}
	if strings.HasPrefix(s, "rsync://") || strings.HasPrefix(s, "sftp://") || strings.HasPrefix(s, "scp://") {
		if u, err := url.Parse(s); err == nil {
			return u.Hostname(), true
		}
	}
	h, _, ok := strings.Cut(s, ":")
	if !ok || h == "" || strings.Contains(h, "/") {
		return "", false
	}
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		h = h[i+1:]
	}
	return strings.Trim(h, "[]"), h != ""
}

func (a *analyzer) copyRemote(f *frame, n syntax.Node, argv []string) {
	p := positional(argv, setOf("-i", "-P", "-p", "-e", "-F", "-o", "-c", "-l", "-S", "-J", "--rsh", "--exclude", "--include", "--filter", "-f", "--rsync-path", "--port", "--password-file", "--files-from", "--exclude-from", "-B"))
	if len(p) < 2 {
		return
	}
	dst := p[len(p)-1]
	host, remote := remoteSpec(dst)
	if !remote {
		for _, s := range p[:len(p)-1] {
			if h, ok := remoteSpec(s); ok {
				a.addHost(h)
			}
		}
		return
	}
	a.addHost(host)
	if a.hostAllowed(host) {
		return
	}
	for _, s := range p[:len(p)-1] {
		cls, label := a.classify(s)
		if cls == pathCredential || cls == pathSecretFile {
			a.report(f, n, "command.exfil.credentials", airlock.Critical, airlock.ConfidenceHigh,
				"the command copies "+label+" to "+host, "never send credentials off the machine", "CWE-200")
			return
		}
		if what, ok := a.rootLike(s); ok && strings.Contains(what, "home") {
			a.report(f, n, "command.exfil.upload", airlock.High, airlock.ConfidenceHigh,
				"the command copies "+what+" to "+host, "copy only the files that need to go there", "CWE-200")
			return
		}
	}
	a.report(f, n, "command.exfil.copy-remote", airlock.Low, airlock.ConfidenceMedium,
		"the command copies files to "+host+", which is not on the allowed-hosts list",
		"add the host to the allow list if this is expected", "CWE-200")
}

// network collects hosts and checks uploads by curl/wget and friends.
func (a *analyzer) network(f *frame, n syntax.Node, argv []string, ws []word) {
	name := baseName(argv[0])
	var hosts []string
	for _, x := range argv[1:] {
		if h := urlHost(x); h != "" {
			hosts = append(hosts, h)
			a.addHost(h)
		}
	}
	switch name {
	case "curl", "curlie", "wget", "http", "https", "xh", "xhs", "httpie":
	case "git":
		return
	default:
		return
	}
	host := ""
	if len(hosts) > 0 {
		host = hosts[0]
	}
	if name == "curl" && host == "" {
		for _, x := range positional(argv, curlValueOpts) {
			if hostLike(strings.SplitN(x, "/", 2)[0]) {
				host = strings.SplitN(x, "/", 2)[0]
				a.addHost(host)
				break
			}
		}
	}
	if hasFlag(argv, "-k", "--insecure", "--no-check-certificate") {
		a.report(f, n, "command.safety.tls-verify-off", airlock.Low, airlock.ConfidenceHigh,
			"TLS certificate checks are turned off for this request", "fix the certificate instead", "CWE-295")
	}
	a.trackDownload(argv)
	allowed := host != "" && a.hostAllowed(host)
	// Data sent with the request.
	for i := 1; i < len(argv); i++ {
		o := argv[i]
		val, isData := "", false
		if uploadOpts[o] && i+1 < len(argv) {
			val, isData = argv[i+1], true
			i++
		} else if k, v, ok := strings.Cut(o, "="); ok && uploadOpts[k] && strings.HasPrefix(k, "--") {
			val, isData = v, true
		}
		if !isData {
			continue
		}
		file := ""
		switch {
		case strings.HasPrefix(val, "@"):
			file = val[1:]
		case o == "-T" || o == "--upload-file" || strings.HasPrefix(o, "--post-file") || strings.HasPrefix(o, "--body-file"):
			file = val
		case strings.Contains(val, "=@") || strings.Contains(val, "=<"):
			file = val[strings.IndexAny(val, "@<")+1:]
			if k := strings.IndexByte(file, ';'); k >= 0 {
				file = file[:k]
			}
		}
		if file != "" && file != "-" {
			cls, label := a.classify(file)
			if cls == pathCredential || cls == pathSecretFile || cls == pathAuthKeys {
				if !allowed {
					a.report(f, n, "command.exfil.credentials", airlock.Critical, airlock.ConfidenceHigh,
						"the request uploads "+label+" to "+orUnknown(host), "never send credentials off the machine", "CWE-200")
				}
				continue
			}
			if !allowed {
				a.report(f, n, "command.exfil.upload", airlock.Medium, airlock.ConfidenceMedium,
					"the request uploads file "+file+" to "+orUnknown(host)+", which is not on the allowed-hosts list",
					"add the host to the allow list if this upload is expected", "CWE-200")
			}
		}
	}
	// Command output or secrets spliced into the request.
	for _, w := range ws[min(1, len(ws)):] {
		for _, s := range w.subst {
			if a.sensitive(s) && !allowed {
				a.report(f, n, "command.exfil.credentials", airlock.Critical, airlock.ConfidenceHigh,
					"secrets read by a command substitution are sent to "+orUnknown(host), "never send credentials off the machine", "CWE-200")
			}
		}
		if w.hasParam && secretVarRe.MatchString(w.val) && !allowed && host != "" {
			a.report(f, n, "command.exfil.secret-var", airlock.High, airlock.ConfidenceMedium,
				"a secret-looking environment variable is sent to "+host+", which is not on the allowed-hosts list",
				"send credentials only to the service they belong to", "CWE-200")
		}
	}
}

var sshValueOpts = setOf("-i", "-p", "-l", "-o", "-F", "-J", "-L", "-R", "-D", "-b", "-c", "-e", "-m", "-O", "-S", "-W", "-w", "-E", "-B", "-Q", "-I")

var secretVarRe = lazyre.New(`\$\{?[A-Z0-9_]*(SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIAL)[A-Z0-9_]*`)

var curlValueOpts = setOf("-o", "--output", "-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "-F", "--form",
	"-H", "--header", "-u", "--user", "-X", "--request", "-A", "--user-agent", "-e", "--referer", "-T", "--upload-file",
	"-b", "--cookie", "-c", "--cookie-jar", "-w", "--write-out", "-m", "--max-time", "--connect-timeout", "-x", "--proxy",
	"--retry", "-r", "--range", "-E", "--cert", "--key", "--cacert", "-K", "--config", "--json", "-O", "--output-dir",
	"--resolve", "--url", "-z", "--time-cond", "--limit-rate", "--retry-delay", "--retry-max-time")

var uploadOpts = setOf("-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "--data-ascii", "--json",
	"-F", "--form", "--form-string", "-T", "--upload-file", "--post-file", "--body-file", "--post-data", "--body-data")

func orUnknown(h string) string {
	if h == "" {
		return "an unknown host"
	}
	return h
}

var urlRe = lazyre.New(`(?i)^(https?|ftp|ftps|wss?|tcp|udp)://`)

func urlHost(s string) string {
	if !urlRe.MatchString(s) {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		// URLs with $(…) or odd characters: cut the host by hand.
		rest := s[strings.Index(s, "://")+3:]
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			rest = rest[:i]
		}
		if i := strings.LastIndexByte(rest, '@'); i >= 0 {
			rest = rest[i+1:]
		}
		if i := strings.LastIndexByte(rest, ':'); i >= 0 {
			rest = rest[:i]
		}
		return strings.ToLower(rest)
	}
	return strings.ToLower(u.Hostname())
}

// trackDownload remembers files written by a downloader so running them
// later in the same command line is caught.
func (a *analyzer) trackDownload(argv []string) {
	defer func() {
		// "-o -" writes to standard output, which the pipeline rules cover.
		delete(a.downloaded, "-")
		delete(a.downloaded, "/dev/stdout")
	}()
	name := baseName(argv[0])
	for i := 1; i < len(argv); i++ {
		o := argv[i]
		switch {
		case (o == "-o" || o == "--output" || o == "-O" && name == "wget" || o == "--output-document") && i+1 < len(argv):
			a.downloaded[path.Clean(argv[i+1])] = true
			i++
		case strings.HasPrefix(o, "--output-document=") || strings.HasPrefix(o, "--output="):
			a.downloaded[path.Clean(o[strings.IndexByte(o, '=')+1:])] = true
		case strings.HasPrefix(o, "-o") && len(o) > 2 && name == "curl":
			a.downloaded[path.Clean(o[2:])] = true
		case o == "-O" || o == "--remote-name" || name == "wget" && !strings.HasPrefix(o, "-"):
			for _, x := range argv[1:] {
				if urlHost(x) != "" {
					if u, err := url.Parse(x); err == nil && path.Base(u.Path) != "/" && path.Base(u.Path) != "." {
						a.downloaded[path.Base(u.Path)] = true
					}
				}
			}
		}
	}
}

// execDownloaded reports running a file that this command line downloaded.
func (a *analyzer) execDownloaded(f *frame, n syntax.Node, argv []string) {
	if len(a.downloaded) == 0 || len(argv) == 0 {
		return
	}
	cands := []string{argv[0]}
	name := baseName(argv[0])
	if name == "source" || name == "." || interpreterName(name) != "" {
		cands = positional(argv, nil)
		if len(cands) > 1 {
			cands = cands[:1]
		}
	}
	if name == "chmod" {
		return
	}
	for _, c := range cands {
		if a.downloaded[path.Clean(c)] || a.downloaded[path.Base(c)] && strings.HasPrefix(c, "./") {
			a.report(f, n, "command.rce.download-exec", airlock.High, airlock.ConfidenceHigh,
				"a file downloaded earlier in this command is executed without being checked",
				"verify the download's checksum or signature and review it before running it", "CWE-494")
			return
		}
	}
}

// networkSink reports whether argv sends its standard input over the
// network, and to which host.
func (a *analyzer) networkSink(argv []string) (string, bool) {
	name := baseName(argv[0])
	host := ""
	for _, x := range argv[1:] {
		if h := urlHost(x); h != "" {
			host = h
			break
		}
	}
	switch name {
	case "curl", "curlie":
		for i := 1; i < len(argv); i++ {
			o := argv[i]
			if uploadOpts[o] && i+1 < len(argv) && (argv[i+1] == "@-" || argv[i+1] == "-" || strings.HasSuffix(argv[i+1], "=@-") || strings.HasSuffix(argv[i+1], "=<-") || argv[i+1] == "@/dev/stdin") {
				return host, true
			}
		}
	case "wget":
		if hasFlag(argv, "--post-file") {
			if v, _ := optValue(argv, "--post-file"); v == "/dev/stdin" || v == "-" {
				return host, true
			}
		}
	case "nc", "ncat", "netcat", "telnet", "socat", "cryptcat":
		for _, h := range positional(argv, setOf("-p", "-s", "-w", "-i", "-q", "-x", "-X", "-O")) {
			if hostLike(h) || h == "localhost" {
				return h, true
			}
		}
		return "", true
	case "openssl":
		if len(argv) > 1 && argv[1] == "s_client" {
			if v, ok := optValue(argv, "-connect"); ok {
				return strings.Split(v, ":")[0], true
			}
			return "", true
		}
	case "ssh":
		if p := positional(argv, setOf("-i", "-p", "-l", "-o", "-F", "-J", "-L", "-R", "-D", "-b", "-c", "-e", "-m", "-O", "-S", "-W", "-w", "-E", "-B", "-Q")); len(p) > 0 {
			h := p[0]
			if i := strings.LastIndexByte(h, '@'); i >= 0 {
				h = h[i+1:]
			}
			return h, true
		}
	case "http", "https", "xh", "httpie":
		return host, true
	}
	return "", false
}

func (a *analyzer) pipeToNetwork(f *frame, n syntax.Node, prod []*syntax.Stmt, host string, sink []string) {
	if host != "" && a.hostAllowed(host) {
		return
	}
	for _, p := range prod {
		if a.sensitive(p) {
			a.report(f, n, "command.exfil.credentials", airlock.Critical, airlock.ConfidenceHigh,
				"secrets or credentials are piped to "+baseName(sink[0])+" and sent to "+orUnknown(host),
				"never send credentials off the machine", "CWE-200")
			return
		}
	}
	for _, p := range prod {
		argv := unwrapAll(a.stmtArgv(p))
		if len(argv) == 0 {
			continue
		}
		switch baseName(argv[0]) {
		case "tar", "zip", "cat", "git", "find", "ls", "base64", "gzip", "xxd", "cpio", "7z", "dd", "head", "tail", "ps", "whoami", "id", "uname", "hostname", "ifconfig", "ip":
			a.report(f, n, "command.exfil.pipe-upload", airlock.High, airlock.ConfidenceMedium,
				"local data is piped to "+baseName(sink[0])+" and sent to "+orUnknown(host)+", which is not on the allowed-hosts list",
				"add the host to the allow list if this upload is expected", "CWE-200")
			return
		}
	}
}

// sensitive reports whether a statement reads credentials or dumps the
// environment.
func (a *analyzer) sensitive(n syntax.Node) bool {
	found := false
	syntax.Walk(n, func(m syntax.Node) bool {
		if found {
			return false
		}
		switch m := m.(type) {
		case *syntax.Stmt:
			argv := unwrapAll(a.stmtArgv(m))
			if len(argv) > 0 {
				name := baseName(argv[0])
				if (name == "env" || name == "printenv" || name == "set") && len(positional(argv, nil)) == 0 {
					found = true
					return false
				}
				if !credentialExempt[name] {
					for _, x := range argv[1:] {
						if cls, _ := a.classify(x); cls == pathCredential || cls == pathSecretFile {
							found = true
							return false
						}
					}
				}
				if name == "gcloud" || name == "gh" || name == "az" || name == "aws" {
					before := len(a.res.Findings)
					a.tokenPrint(&frame{span: &airlock.TextSpan{}}, m, argv)
					if len(a.res.Findings) > before {
						a.res.Findings = a.res.Findings[:before]
						found = true
						return false
					}
				}
			}
			for _, r := range m.Redirs {
				if r.Op == syntax.RdrIn && r.Word != nil {
					if cls, _ := a.classify(a.evalWord(r.Word).val); cls == pathCredential || cls == pathSecretFile {
						found = true
						return false
					}
				}
			}
		case *syntax.DeclClause:
			if len(m.Args) == 0 {
				found = true
			}
		}
		return true
	})
	return found
}

// credentialExempt lists commands that use credential files for their
// intended purpose, or only touch their metadata.
var credentialExempt = setOf("ssh", "ssh-add", "ssh-keygen", "ssh-copy-id", "ssh-agent", "ssh-keyscan", "chmod", "chown", "chgrp",
	"ls", "mkdir", "touch", "test", "[", "stat", "rm", "git", "gpg", "gpg2", "aws", "gcloud", "az", "kubectl", "helm", "docker",
	"podman", "npm", "pnpm", "yarn", "pip", "pip3", "twine", "cargo", "gem", "gh", "vault", "terraform", "source", ".",
	"dirname", "basename", "realpath", "readlink", "install", "ln", "echo", "printf", "mkfs", "shred", "du", "file", "sops",
	"age", "openssl", "keychain", "pass", "scp", "rsync", "sftp", "dotenv", "direnv", "env", "chattr", "lsattr", "find", "setfacl", "getfacl", "restorecon", "chcon")

// checkPaths flags reads of credential files and writes to persistence,
// guard and CI paths, whatever the command.
func (a *analyzer) checkPaths(f *frame, n syntax.Node, argv []string, ws []word) {
	name := baseName(argv[0])
	writes := writeTargets(argv)
	isWrite := map[int]bool{}
	for _, i := range writes {
		isWrite[i] = true
		a.writeTo(f, n, argv[i], name)
	}
	if credentialExempt[name] {
		return
	}
	for i := 1; i < len(argv); i++ {
		if isWrite[i] {
			continue
		}
		x := argv[i]
		if k, v, ok := strings.Cut(x, "="); ok && strings.HasPrefix(k, "-") {
			x = v
		}
		x = strings.TrimPrefix(x, "@")
		a.readFrom(f, n, x, name)
	}
}

func (a *analyzer) readFrom(f *frame, n syntax.Node, p, by string) {
	cls, label := a.classify(p)
	switch cls {
	case pathCredential:
		a.report(f, n, "command.credentials.read", airlock.High, airlock.ConfidenceHigh,
			"`"+by+"` reads "+label+" ("+p+")", "let the tool that owns the credential use it; do not read it directly", "CWE-522")
	case pathSecretFile:
		a.report(f, n, "command.credentials.env-file", airlock.Medium, airlock.ConfidenceMedium,
			"`"+by+"` reads "+p+", which usually holds secrets", "read only the variable names you need (e.g. from .env.example)", "CWE-522")
	case pathLogs:
		if strings.Contains(label, "history") {
			a.report(f, n, "command.credentials.read", airlock.Medium, airlock.ConfidenceMedium,
				"`"+by+"` reads "+label+", which often contains passwords and tokens", "do not read shell history", "CWE-522")
		}
	}
}

// writeTo flags writes to paths that run code later or guard the agent.
func (a *analyzer) writeTo(f *frame, n syntax.Node, p, by string) {
	if !strings.HasPrefix(p, "&") {
		a.addWrite(p)
	}
	cls, label := a.classify(p)
	switch cls {
	case pathPersistence:
		a.report(f, n, "command.persistence.startup-write", airlock.High, airlock.ConfidenceHigh,
			"`"+by+"` writes to a "+label+" ("+p+"), so code runs again later", "ask the user to change start-up files and hooks", "CWE-506")
	case pathAuthKeys:
		a.report(f, n, "command.persistence.authorized-keys", airlock.Critical, airlock.ConfidenceHigh,
			"`"+by+"` adds to ~/.ssh/authorized_keys, giving someone a way to log in", "never let an agent add SSH keys", "CWE-506")
	case pathGuard:
		a.report(f, n, "command.safety.guard-tamper", airlock.High, airlock.ConfidenceHigh,
			"`"+by+"` changes "+label+" ("+p+")", "only the user may change the guard's configuration", "CWE-693")
	case pathCI:
		a.report(f, n, "command.safety.ci-config-write", airlock.Medium, airlock.ConfidenceMedium,
			"`"+by+"` changes a "+label+" ("+p+"), which runs with the repository's secrets", "edit CI files through reviewed changes", "CWE-693")
	case pathGitConfig:
		a.report(f, n, "command.safety.git-config-write", airlock.Medium, airlock.ConfidenceMedium,
			"`"+by+"` writes "+label+" directly, which can redirect hooks or run commands", "use git config for the one setting you need", "CWE-693")
	case pathSudoers:
		a.report(f, n, "command.privilege.sudoers", airlock.Critical, airlock.ConfidenceHigh,
			"`"+by+"` changes "+label+" ("+p+")", "ask the user to change privileges", "CWE-269")
	case pathBlockDevice:
		a.report(f, n, "command.destructive.disk", airlock.Critical, airlock.ConfidenceHigh,
			"`"+by+"` writes raw data to a "+label+" ("+p+"), destroying its contents", "do not let an agent write to disks", "CWE-1220")
	case pathLogs:
		a.report(f, n, "command.safety.history-off", airlock.Medium, airlock.ConfidenceMedium,
			"`"+by+"` overwrites "+label+", hiding what was done", "leave logs alone", "CWE-778")
	}
}

// writeTargets returns the argv indexes a command writes to.
func writeTargets(argv []string) []int {
	name := baseName(argv[0])
	var out []int
	switch name {
	case "tee":
		for i := 1; i < len(argv); i++ {
			if !strings.HasPrefix(argv[i], "-") {
				out = append(out, i)
			}
		}
	case "cp", "mv", "install", "ln", "rsync":
		last := -1
		for i := 1; i < len(argv); i++ {
			if (argv[i] == "-t" || argv[i] == "--target-directory") && i+1 < len(argv) {
				return []int{i + 1}
			}
			if !strings.HasPrefix(argv[i], "-") {
				last = i
			}
		}
		if last > 1 {
			out = append(out, last)
		}
	case "sed", "perl":
		inPlace := false
		for _, x := range argv[1:] {
			if strings.HasPrefix(x, "-i") || x == "--in-place" || strings.HasPrefix(x, "--in-place=") || name == "perl" && strings.HasPrefix(x, "-") && strings.Contains(x, "i") && !strings.HasPrefix(x, "--") {
				inPlace = true
			}
		}
		if !inPlace {
			return nil
		}
		script := hasFlag(argv, "-e", "--expression", "-f", "--file")
		for i := 1; i < len(argv); i++ {
			x := argv[i]
			if x == "-e" || x == "-f" || x == "--expression" || x == "--file" {
				i++
				continue
			}
			if strings.HasPrefix(x, "-") {
				continue
			}
			if !script {
				script = true
				continue
			}
			out = append(out, i)
		}
	case "truncate":
		for i := 1; i < len(argv); i++ {
			if argv[i] == "-s" || argv[i] == "--size" || argv[i] == "-r" {
				i++
				continue
			}
			if !strings.HasPrefix(argv[i], "-") {
				out = append(out, i)
			}
		}
	}
	return out
}

// redirect handles > file, < file, /dev/tcp and here-documents fed to a shell.
func (a *analyzer) redirect(f *frame, s *syntax.Stmt, r *syntax.Redirect, argv []string) {
	inner := unwrapAll(argv)
	by := "redirection"
	if len(inner) > 0 {
		by = baseName(inner[0])
	}
	switch r.Op {
	case syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
		w := r.Hdoc
		if r.Op == syntax.WordHdoc {
			w = r.Word
		}
		if w != nil && len(inner) > 0 {
			if interp := readsProgramFromStdin(inner); interp != "" && isShell(interp) {
				ev := a.evalWord(w)
				a.nestedText(f, s, ev.val, "here-document run by "+interp)
			}
		}
		return
	}
	if r.Word == nil {
		return
	}
	target := a.evalWord(r.Word).val
	if strings.HasPrefix(target, "/dev/tcp/") || strings.HasPrefix(target, "/dev/udp/") {
		parts := strings.Split(target, "/")
		if len(parts) > 3 {
			a.addHost(parts[3])
		}
		shellish := len(inner) > 0 && (isShell(inner[0]) || baseName(inner[0]) == "exec")
		if shellish || r.Op == syntax.DplOut || r.Op == syntax.RdrAll || r.Op == syntax.RdrInOut {
			a.report(f, s, "command.rce.reverse-shell", airlock.Critical, airlock.ConfidenceHigh,
				"a shell's input/output is connected to "+target+" (a reverse shell)", "do not run it", "CWE-78")
		} else if len(parts) > 3 && !a.hostAllowed(parts[3]) {
			a.report(f, s, "command.exfil.dev-tcp", airlock.High, airlock.ConfidenceHigh,
				"output is sent over a raw network connection to "+target, "use a reviewed client for the service you need", "CWE-200")
		}
		return
	}
	switch r.Op {
	case syntax.RdrOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll, syntax.RdrClob:
		if len(inner) > 0 && isDownloader(inner) {
			a.downloaded[path.Clean(target)] = true
		}
		a.writeTo(f, s, target, by)
	case syntax.RdrIn, syntax.RdrInOut:
		if len(inner) == 0 || !credentialExempt[by] {
			a.readFrom(f, s, target, by)
		}
		if len(inner) > 0 {
			if host, ok := a.networkSink(inner); ok && (host == "" || !a.hostAllowed(host)) {
				if cls, label := a.classify(target); cls == pathCredential || cls == pathSecretFile {
					a.report(f, s, "command.exfil.credentials", airlock.Critical, airlock.ConfidenceHigh,
						"the command sends "+label+" to "+orUnknown(host), "never send credentials off the machine", "CWE-200")
				}
			}
		}
	}
}

// envPrefix checks VAR=value cmd assignments that turn checks off.
func (a *analyzer) envPrefix(f *frame, n syntax.Node, as []*syntax.Assign) {
	for _, x := range as {
		if x.Name == nil {
			continue
		}
		v := ""
		if x.Value != nil {
			v = a.evalWord(x.Value).val
		}
		a.safetyVar(f, n, x.Name.Value, v)
	}
}

func (a *analyzer) safetyVar(f *frame, n syntax.Node, name, v string) {
	switch name {
	case "HUSKY", "HUSKY_SKIP_HOOKS", "SKIP", "PRE_COMMIT_ALLOW_NO_CONFIG", "LEFTHOOK", "OVERCOMMIT_DISABLE":
		if name == "HUSKY" && v != "0" || name == "LEFTHOOK" && v != "0" || v == "" {
			return
		}
		a.report(f, n, "command.safety.no-verify", airlock.Medium, airlock.ConfidenceHigh,
			name+"="+v+" skips git hooks (where checks such as Airlock run)", "run with hooks and fix what they report", "CWE-693")
	case "GIT_SSL_NO_VERIFY", "NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE":
		off := name == "GIT_SSL_NO_VERIFY" && v != "" && v != "0" && v != "false" || name == "NODE_TLS_REJECT_UNAUTHORIZED" && v == "0" ||
			name == "PYTHONHTTPSVERIFY" && v == "0" || (name == "CURL_CA_BUNDLE" || name == "REQUESTS_CA_BUNDLE") && v == ""
		if off && (name != "CURL_CA_BUNDLE" && name != "REQUESTS_CA_BUNDLE" || v == "") {
			a.report(f, n, "command.safety.tls-verify-off", airlock.Medium, airlock.ConfidenceHigh,
				name+"="+v+" turns off TLS certificate checks", "fix the certificate instead", "CWE-295")
		}
	case "LD_PRELOAD", "LD_AUDIT", "DYLD_INSERT_LIBRARIES":
		if v != "" {
			a.report(f, n, "command.privilege.preload", airlock.High, airlock.ConfidenceMedium,
				name+" injects a library into every program started", "do not preload libraries", "CWE-426")
		}
	case "HISTFILE":
		if v == "/dev/null" || v == "" {
			a.report(f, n, "command.safety.history-off", airlock.Medium, airlock.ConfidenceHigh,
				"HISTFILE="+v+" stops recording shell history", "leave history on", "CWE-778")
		}
	case "PROMPT_COMMAND":
		if v != "" {
			a.report(f, n, "command.persistence.prompt-command", airlock.Medium, airlock.ConfidenceMedium,
				"PROMPT_COMMAND runs a command before every prompt", "do not install prompt hooks", "CWE-506")
		}
	}
}

// nameChecks looks at how the command name itself was written.
func (a *analyzer) nameChecks(f *frame, s *syntax.Stmt, ws []word) {
	if len(ws) == 0 {
		return
	}
	w := ws[0]
	name := w.val
	plain := plainNameRe.MatchString(name)
	switch {
	case w.ansiC:
		a.report(f, s, "command.obfuscation.ansi-c", airlock.High, airlock.ConfidenceHigh,
			"the command name is hidden in $'…' escape sequences (decoded: "+excerpt(name)+")",
			"write the command in the clear", "CWE-506")
	case w.indirect && w.fromVars:
		a.report(f, s, "command.obfuscation.decoded-exec", airlock.High, airlock.ConfidenceHigh,
			"the command name is produced by decoding at run time (decoded: "+excerpt(name)+")",
			"write the command in the clear", "CWE-506")
	case w.indirect:
		a.report(f, s, "command.obfuscation.indirect-command", airlock.Medium, airlock.ConfidenceMedium,
			"the command name comes from an indirect expansion or command output", "write the command in the clear", "CWE-506")
	case w.fromVars && plain && len(w.node.Parts) > 1:
		a.report(f, s, "command.obfuscation.assembled-command", airlock.High, airlock.ConfidenceHigh,
			"the command name is assembled from variables (resolves to "+name+")", "write the command in the clear", "CWE-506")
	case w.escaped && plain && !bareLeadingBackslash(w.node) || plain && quoteSplit(w.node):
		a.report(f, s, "command.obfuscation.quoted-name", airlock.Medium, airlock.ConfidenceHigh,
			"the command name is broken up with quotes or backslashes (resolves to "+name+")", "write the command in the clear", "CWE-506")
	case !w.static && !w.fromVars && len(w.subst) > 0:
		a.report(f, s, "command.obfuscation.indirect-command", airlock.Medium, airlock.ConfidenceMedium,
			"the command to run is chosen by another command's output", "write the command in the clear", "CWE-506")
	case w.static && name != "[" && !strings.Contains(name, ":") && (strings.Contains(name, "?") || strings.Contains(name, "/") && strings.ContainsAny(name, "*[")):
		a.report(f, s, "command.obfuscation.glob-command", airlock.Medium, airlock.ConfidenceHigh,
			"the command name is a wildcard pattern ("+name+"), hiding which program runs", "write the program's name", "CWE-506")
	}
	for _, x := range ws {
		if x.node != nil && usesIFS(x.node) {
			a.report(f, s, "command.obfuscation.ifs", airlock.High, airlock.ConfidenceHigh,
				"$IFS is used in place of spaces to hide the command's words", "write the command in the clear", "CWE-506")
			var parts []string
			for _, y := range ws {
				parts = append(parts, strings.ReplaceAll(strings.ReplaceAll(y.val, "${IFS}", " "), "$IFS", " "))
			}
			a.nestedText(f, s, strings.Join(parts, " "), "$IFS-separated words")
			break
		}
	}
}

var (
	plainNameRe = lazyre.New(`^[A-Za-z0-9_.+-]+$`)
)

func bareLeadingBackslash(w *syntax.Word) bool {
	if len(w.Parts) != 1 {
		return false
	}
	l, ok := w.Parts[0].(*syntax.Lit)
	return ok && strings.HasPrefix(l.Value, `\`) && strings.Count(l.Value, `\`) == 1
}

func quoteSplit(w *syntax.Word) bool {
	if len(w.Parts) < 2 {
		return false
	}
	for _, p := range w.Parts {
		switch p.(type) {
		case *syntax.Lit, *syntax.SglQuoted, *syntax.DblQuoted:
		default:
			return false
		}
	}
	return true
}

func usesIFS(w *syntax.Word) bool {
	found := false
	syntax.Walk(w, func(n syntax.Node) bool {
		if pe, ok := n.(*syntax.ParamExp); ok && pe.Param != nil && pe.Param.Value == "IFS" {
			found = true
		}
		return !found
	})
	return found
}

type textPattern struct {
	re            *lazyre.Regexp
	rule          string
	sev           airlock.Severity
	what, instead string
	cwe           string
}

// textPatterns are the last resort for text that does not parse.
var textPatterns = []textPattern{
	{lazyre.New(`(curl|wget|fetch)\b[^|;&\n]*\|\s*(sudo\s+(-\S+\s+)*)?(ba|z|da|k)?sh\b`), "command.rce.curl-pipe-shell", airlock.Critical,
		"downloaded content is piped into a shell", "download, verify and review before running", "CWE-494"},
	{lazyre.New(`base64\s+(-d|--decode|-D)[^|;&\n]*\|\s*(ba|z|da|k)?sh\b`), "command.obfuscation.decode-pipe-shell", airlock.Critical,
		"decoded data is piped into a shell", "run the commands in the clear", "CWE-506"},
	{lazyre.New(`\brm\s+(-[a-zA-Z]*[rR][a-zA-Z]*\s+)+(/|/\*|~/?|\$HOME/?)(\s|$|;|&)`), "command.destructive.rm-root", airlock.Critical,
		"recursive delete of the root or home directory", "delete only what you mean to", "CWE-1220"},
	{lazyre.New(`/dev/(tcp|udp)/`), "command.rce.reverse-shell", airlock.High,
		"a raw network connection through /dev/tcp", "do not run it", "CWE-78"},
	{lazyre.New(`\bmkfs(\.\w+)?\s|\bdd\s[^;&|\n]*of=/dev/(sd|nvme|hd|vd|xvd|mmcblk)`), "command.destructive.disk", airlock.Critical,
		"the command formats or overwrites a disk", "do not run it", "CWE-1220"},
	{lazyre.New(`~/\.ssh/id_|\.aws/credentials`), "command.credentials.read", airlock.High,
		"the command mentions private keys or cloud credentials", "do not read credentials", "CWE-522"},
}

var redactRe = lazyre.New(`(?i)((?:token|bearer|password|passwd|secret|api[_-]?key|authorization)\s*[=: ]\s*)([^\s'"&]{4,})`)

// redact blanks likely secrets in evidence.
func redact(s string) string {
	return redactRe.ReplaceAllString(s, "${1}****")
}
