// Package command analyses shell command lines an AI agent wants to run.
// It parses them with mvdan.cc/sh (bash dialect), follows what the shell
// would follow — pipelines, sh -c / bash -c / eval strings, subshells,
// command and process substitution, redirections, environment prefixes and
// wrapper commands (sudo, env, nohup, timeout, xargs, find -exec…) — decodes
// obfuscated forms where the value can be known statically, and reports
// findings in these categories: destructive, rce, credentials, exfil,
// persistence, privilege, safety, install and obfuscation. Package installs
// are also returned as coordinates for the dependency checker.
package command

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/airlockhq/airlock"
)

// DetectorName is the name findings carry in Finding.Detector.
const DetectorName = "command"

// Limits keep hostile input from making the analyzer slow: nested strings
// (sh -c "sh -c …", decoded payloads) are followed this deep and this often.
const (
	maxDepth  = 8
	maxNested = 64
	maxInput  = 1 << 20
)

// Options tells the analyzer about the environment the command will run in.
type Options struct {
	// Cwd is the directory the command runs in; deleting it is destructive.
	Cwd string
	// Home is the user's home directory, so /home/u/.ssh is known as ~/.ssh.
	Home string
	// AllowHosts are hosts data may be sent to (a leading "." or "*."
	// allows subdomains; an exact name also allows its subdomains).
	AllowHosts []string
}

// Analysis is what Analyze found in one command line.
type Analysis struct {
	Findings []airlock.Finding `json:"findings"`
	// Packages are the packages the command installs or runs from a
	// registry (npm install, pip install, go install …).
	Packages []airlock.Package `json:"packages,omitempty"`
	// Commands is every simple command found, argv after static expansion,
	// including those inside sh -c strings and decoded payloads.
	Commands [][]string `json:"commands,omitempty"`
	// Hosts are the network hosts the command contacts, as far as the
	// arguments show.
	Hosts []string `json:"hosts,omitempty"`
	// Writes are the paths the command writes, moves or deletes, as far
	// as its arguments and redirections show (home as "~"), so the policy
	// can hold shell writes to protected paths to the same rule as file
	// edits.
	Writes []string `json:"writes,omitempty"`
}

// Detector runs Analyze on command events.
var Detector = &airlock.Detector{
	Name: DetectorName,
	Doc: `shell command analysis

Parses the command with a real shell parser and reports destructive
operations, remote code execution, credential access, exfiltration,
persistence, privilege escalation, disabled safety checks, package installs
and obfuscation.`,
	Kinds: []airlock.EventKind{airlock.KindCommand},
	Run: func(ctx context.Context, p *airlock.Pass) error {
		if p.Event == nil || p.Event.Kind != airlock.KindCommand {
			return nil
		}
		res, err := Analyze(ctx, p.Event.Command, Options{Cwd: p.Event.Cwd})
		for _, f := range res.Findings {
			p.Report(f)
		}
		return err
	},
}

// ErrTooLarge is returned for command lines above the size limit; the
// obvious-pattern scan still runs on the first part.
var ErrTooLarge = errors.New("command line too large")

// Analyze parses cmdline and reports what it would do. A parse error is
// returned as an error, but the returned Analysis still holds what could be
// found: a best-effort parse and a scan for obviously dangerous text.
func Analyze(ctx context.Context, cmdline string, opt Options) (Analysis, error) {
	a := &analyzer{
		ctx:        ctx,
		opt:        opt,
		src:        cmdline,
		vars:       map[string]string{},
		decoded:    map[string]bool{},
		downloaded: map[string]bool{},
		seen:       map[string]bool{},
		hostSeen:   map[string]bool{},
		writeSeen:  map[string]bool{},
		pkgSeen:    map[string]bool{},
		pipedTo:    map[*syntax.Stmt]string{},
		pipeDone:   map[*syntax.BinaryCmd]bool{},
	}
	if len(cmdline) > maxInput {
		a.src = cmdline[:maxInput]
		a.scanText(&frame{}, a.src)
		return a.finish(), fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(cmdline), maxInput)
	}
	f := &frame{}
	err := a.analyzeText(f, cmdline)
	if err != nil {
		a.scanText(f, cmdline)
		err = fmt.Errorf("parse command: %w", err)
	}
	if cerr := ctx.Err(); cerr != nil && err == nil {
		err = cerr
	}
	return a.finish(), err
}

type analyzer struct {
	ctx        context.Context
	opt        Options
	src        string
	res        Analysis
	vars       map[string]string
	decoded    map[string]bool // variables whose value was decoded or assembled at run time
	downloaded map[string]bool
	seen       map[string]bool
	hostSeen   map[string]bool
	writeSeen  map[string]bool
	pkgSeen    map[string]bool
	pipedTo    map[*syntax.Stmt]string
	pipeDone   map[*syntax.BinaryCmd]bool
	nested     int
}

// frame is one text being analysed: the top-level command or a string the
// shell will run (sh -c, eval, a decoded payload). Findings inside nested
// text point at the outer span that carried it.
type frame struct {
	depth int
	span  *airlock.TextSpan
	via   string // how the nested text was reached, for messages
}

var parserOpts = []syntax.ParserOption{syntax.Variant(syntax.LangBash)}

func (a *analyzer) analyzeText(f *frame, text string) error {
	file, err := syntax.NewParser(parserOpts...).Parse(strings.NewReader(text), "")
	if err != nil {
		// A best-effort tree still shows most of what the text does.
		rec, rerr := syntax.NewParser(append(parserOpts, syntax.RecoverErrors(8))...).Parse(strings.NewReader(text), "")
		if rerr == nil && rec != nil {
			a.walk(f, rec)
		}
		return err
	}
	a.walk(f, file)
	return nil
}

// nestedText analyses a string the shell will run as code.
func (a *analyzer) nestedText(f *frame, n syntax.Node, text, via string) {
	if f.depth >= maxDepth || a.nested >= maxNested {
		a.report(f, n, "command.obfuscation.deep-nesting", airlock.High, airlock.ConfidenceMedium,
			"command nests code strings deeper than Airlock follows ("+via+")",
			"the command hides code inside code; review it by hand or run it unnested", "CWE-506")
		return
	}
	a.nested++
	sp := a.span(f, n)
	nf := &frame{depth: f.depth + 1, span: &sp, via: via}
	if err := a.analyzeText(nf, text); err != nil {
		a.scanText(nf, text)
	}
}

func (a *analyzer) walk(f *frame, root syntax.Node) {
	syntax.Walk(root, func(n syntax.Node) bool {
		if a.ctx.Err() != nil {
			return false
		}
		switch n := n.(type) {
		case *syntax.Stmt:
			a.stmt(f, n)
		case *syntax.BinaryCmd:
			if (n.Op == syntax.Pipe || n.Op == syntax.PipeAll) && !a.pipeDone[n] {
				a.pipeline(f, n)
			}
		case *syntax.FuncDecl:
			a.funcDecl(f, n)
		case *syntax.DeclClause:
			a.declClause(f, n)
		}
		return true
	})
}

func (a *analyzer) finish() Analysis {
	r := a.res
	airlock.SortFindings(r.Findings)
	airlock.SetFingerprints(r.Findings)
	if r.Findings == nil {
		r.Findings = []airlock.Finding{}
	}
	sort.Strings(r.Hosts)
	return r
}

// span maps a node to byte offsets in the top-level text.
func (a *analyzer) span(f *frame, n syntax.Node) airlock.TextSpan {
	if f.span != nil {
		return *f.span
	}
	if n == nil {
		return airlock.TextSpan{Start: 0, End: len(a.src)}
	}
	s, e := int(n.Pos().Offset()), int(n.End().Offset())
	if s > len(a.src) {
		s = len(a.src)
	}
	if e > len(a.src) || e < s {
		e = len(a.src)
	}
	return airlock.TextSpan{Start: s, End: e}
}

// report adds a finding once per rule and span.
func (a *analyzer) report(f *frame, n syntax.Node, rule string, sev airlock.Severity, conf airlock.Confidence, what, instead string, cwe ...string) {
	sp := a.span(f, n)
	key := fmt.Sprintf("%s@%d-%d", rule, sp.Start, sp.End)
	if rule == "command.install.package" {
		key += what // one finding per package
	}
	if a.seen[key] {
		return
	}
	a.seen[key] = true
	msg := what
	if f.via != "" {
		msg += " (inside " + f.via + ")"
	}
	if instead != "" {
		msg += "; " + instead
	}
	cat := strings.SplitN(strings.TrimPrefix(rule, "command."), ".", 2)[0]
	var cwes []string
	for _, c := range cwe {
		if c != "" {
			cwes = append(cwes, c)
		}
	}
	a.res.Findings = append(a.res.Findings, airlock.Finding{
		RuleID:     rule,
		Detector:   DetectorName,
		Severity:   sev,
		Confidence: conf,
		CWE:        cwes,
		Message:    msg,
		Location:   airlock.Location{Span: &sp},
		Evidence:   redact(excerpt(a.src[sp.Start:sp.End])),
		Tags:       []string{cat},
	})
}

func excerpt(s string) string {
	const max = 200
	s = strings.TrimSpace(s)
	if len(s) > max {
		cut := max
		for cut > 0 && s[cut]&0xc0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func (a *analyzer) addCommand(argv []string) {
	if len(a.res.Commands) < 10000 {
		a.res.Commands = append(a.res.Commands, append([]string(nil), argv...))
	}
}

func (a *analyzer) addHost(h string) {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if h == "" || a.hostSeen[h] {
		return
	}
	a.hostSeen[h] = true
	a.res.Hosts = append(a.res.Hosts, h)
}

// addWrite records a path the command modifies.
func (a *analyzer) addWrite(p string) {
	p = strings.TrimSpace(p)
	switch p {
	case "", "-", "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty":
		return
	}
	if a.writeSeen[p] || len(a.res.Writes) >= 1000 {
		return
	}
	a.writeSeen[p] = true
	a.res.Writes = append(a.res.Writes, p)
}

func (a *analyzer) addPackage(p airlock.Package) {
	k := p.Ecosystem + "\x00" + p.Name + "\x00" + p.Version
	if a.pkgSeen[k] {
		return
	}
	a.pkgSeen[k] = true
	a.res.Packages = append(a.res.Packages, p)
}

// hostAllowed reports whether data may go to host.
func (a *analyzer) hostAllowed(host string) bool {
	host = strings.ToLower(host)
	switch host {
	case "localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0":
		return true
	}
	for _, h := range a.opt.AllowHosts {
		h = strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(h, "*"), "."))
		if h == "" {
			continue
		}
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

// stmt handles one statement: its redirections and, for a simple command,
// the command itself.
func (a *analyzer) stmt(f *frame, s *syntax.Stmt) {
	call, _ := s.Cmd.(*syntax.CallExpr)
	var argv []string
	var ws []word
	if call != nil {
		for _, w := range call.Args {
			ev := a.evalWord(w)
			ws = append(ws, ev)
			argv = append(argv, ev.val)
		}
	}
	for _, r := range s.Redirs {
		a.redirect(f, s, r, argv)
	}
	if call == nil {
		return
	}
	if len(call.Args) == 0 {
		for _, as := range call.Assigns {
			a.assign(f, s, as)
		}
		return
	}
	a.addCommand(argv)
	a.envPrefix(f, s, call.Assigns)
	a.nameChecks(f, s, ws)
	a.simple(f, s, argv, ws)
}

func (a *analyzer) assign(f *frame, n syntax.Node, as *syntax.Assign) {
	if as.Name == nil {
		return
	}
	name := as.Name.Value
	if as.Value == nil {
		if as.Array == nil {
			delete(a.vars, name)
		}
		return
	}
	ev := a.evalWord(as.Value)
	if as.Append {
		ev.val = a.vars[name] + ev.val
	}
	if ev.static || ev.fromVars {
		a.vars[name] = ev.val
		a.decoded[name] = ev.indirect || ev.ansiC
	} else {
		delete(a.vars, name)
		delete(a.decoded, name)
	}
	a.safetyVar(f, n, name, ev.val)
}

func (a *analyzer) declClause(f *frame, d *syntax.DeclClause) {
	v := ""
	if d.Variant != nil {
		v = d.Variant.Value
	}
	if len(d.Args) == 0 && (v == "export" || v == "declare" || v == "typeset") {
		a.report(f, d, "command.credentials.env-dump", airlock.Medium, airlock.ConfidenceMedium,
			"`"+v+"` without arguments prints every environment variable, including tokens and keys",
			"print only the variable you need", "CWE-526")
		return
	}
	for _, as := range d.Args {
		if as.Naked && v == "declare" || as.Name == nil {
			if as.Value != nil && v != "local" {
				if ev := a.evalWord(as.Value); ev.val == "-p" || ev.val == "-x" || ev.val == "-xp" {
					a.report(f, d, "command.credentials.env-dump", airlock.Medium, airlock.ConfidenceMedium,
						"`"+v+" "+ev.val+"` prints every exported variable, including tokens and keys",
						"print only the variable you need", "CWE-526")
				}
			}
			continue
		}
		a.assign(f, d, as)
	}
}

// pipeline looks at what flows between the stages of a | b | c.
func (a *analyzer) pipeline(f *frame, b *syntax.BinaryCmd) {
	stages := a.flattenPipe(b)
	shell, netTool := false, false
	for _, st := range stages {
		argv := unwrapAll(a.stmtArgv(st))
		if len(argv) == 0 {
			continue
		}
		if isShell(argv[0]) && (hasShortFlag(argv, 'i') || len(argv) == 1) {
			shell = true
		}
		switch baseName(argv[0]) {
		case "nc", "ncat", "netcat", "telnet", "socat", "cryptcat":
			netTool = true
		case "openssl":
			netTool = netTool || len(argv) > 1 && argv[1] == "s_client"
		}
	}
	if shell && netTool {
		a.report(f, b, "command.rce.reverse-shell", airlock.Critical, airlock.ConfidenceHigh,
			"a shell is wired to a network connection through a pipeline (a reverse shell)", "do not run it", "CWE-78")
	}
	for i := 1; i < len(stages); i++ {
		cons := a.stmtArgv(stages[i])
		inner := unwrapAll(cons)
		if len(inner) > 0 {
			a.pipedTo[stages[i-1]] = baseName(inner[0])
		}
		if len(inner) == 0 {
			continue
		}
		prod := stages[:i]
		if interp := readsProgramFromStdin(inner); interp != "" {
			a.pipeToInterpreter(f, b, prod, stages[i], interp)
		}
		if host, ok := a.networkSink(inner); ok {
			a.pipeToNetwork(f, b, prod, host, inner)
		}
		if baseName(inner[0]) == "sudo" && hasFlag(cons, "-S", "--stdin") {
			if p := a.stmtArgv(stages[i-1]); len(p) > 0 && (baseName(p[0]) == "echo" || baseName(p[0]) == "printf") {
				a.report(f, b, "command.privilege.sudo-password", airlock.High, airlock.ConfidenceHigh,
					"a sudo password is piped in on the command line, where logs and process lists see it",
					"do not give the agent a sudo password", "CWE-256")
			}
		}
	}
}

func (a *analyzer) flattenPipe(b *syntax.BinaryCmd) []*syntax.Stmt {
	a.pipeDone[b] = true
	var out []*syntax.Stmt
	for _, s := range []*syntax.Stmt{b.X, b.Y} {
		if inner, ok := s.Cmd.(*syntax.BinaryCmd); ok && (inner.Op == syntax.Pipe || inner.Op == syntax.PipeAll) && len(s.Redirs) == 0 {
			out = append(out, a.flattenPipe(inner)...)
			continue
		}
		out = append(out, s)
	}
	return out
}

// stmtArgv evaluates a statement's argv when it is a simple command.
func (a *analyzer) stmtArgv(s *syntax.Stmt) []string {
	call, ok := s.Cmd.(*syntax.CallExpr)
	if !ok {
		return nil
	}
	argv := make([]string, 0, len(call.Args))
	for _, w := range call.Args {
		argv = append(argv, a.evalWord(w).val)
	}
	return argv
}

func (a *analyzer) pipeToInterpreter(f *frame, n syntax.Node, prod []*syntax.Stmt, cons *syntax.Stmt, interp string) {
	for _, p := range prod {
		argv := unwrapAll(a.stmtArgv(p))
		if len(argv) == 0 {
			if a.stmtsHave(p, isDownloader) {
				argv = []string{"curl"}
			} else {
				continue
			}
		}
		switch {
		case isDownloader(argv):
			a.report(f, n, "command.rce.curl-pipe-shell", airlock.Critical, airlock.ConfidenceHigh,
				"downloaded content is piped straight into "+interp+", so whatever the server sends runs unreviewed",
				"download to a file, check its checksum or signature and read it before running it", "CWE-494")
		case isDecoder(argv):
			a.report(f, n, "command.obfuscation.decode-pipe-shell", airlock.Critical, airlock.ConfidenceHigh,
				"encoded data is decoded and piped into "+interp+", hiding the code that runs",
				"run the decoded commands in the clear so they can be reviewed", "CWE-506")
		}
	}
	if !isShell(interp) {
		return
	}
	if out, ok := a.staticOutput(prod); ok {
		if a.usesEscapes(prod) {
			a.report(f, n, "command.obfuscation.escaped-to-shell", airlock.High, airlock.ConfidenceHigh,
				"escape sequences build the code that is piped into "+interp,
				"write the command in the clear", "CWE-506")
		}
		a.nestedText(f, n, out, "text piped to "+interp)
	}
}

// usesEscapes reports whether a producer decodes \x / octal escapes.
func (a *analyzer) usesEscapes(stmts []*syntax.Stmt) bool {
	for _, s := range stmts {
		argv := a.stmtArgv(s)
		if len(argv) < 2 {
			continue
		}
		name := baseName(argv[0])
		joined := strings.Join(argv[1:], " ")
		if (name == "printf" || name == "echo") && escapeRe.MatchString(joined) {
			return true
		}
		if call, ok := s.Cmd.(*syntax.CallExpr); ok {
			for _, w := range call.Args {
				if ev := a.evalWord(w); ev.ansiC {
					return true
				}
			}
		}
	}
	return false
}

// staticOutput computes what a pipeline of echo/printf and decoders
// prints, when every input is known.
func (a *analyzer) staticOutput(stmts []*syntax.Stmt) (string, bool) {
	if len(stmts) == 1 {
		if b, ok := stmts[0].Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll) {
			stmts = a.flattenPipeNoMark(b)
		}
	}
	if len(stmts) == 0 || len(stmts) > 8 {
		return "", false
	}
	var cur string
	have := false
	for i, s := range stmts {
		call, ok := s.Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 {
			return "", false
		}
		var argv []string
		for _, w := range call.Args {
			ev := a.evalWord(w)
			if !ev.static && !ev.fromVars {
				return "", false
			}
			argv = append(argv, ev.val)
		}
		for _, r := range s.Redirs {
			if r.Op == syntax.WordHdoc || r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc {
				w := r.Word
				if r.Op != syntax.WordHdoc {
					w = r.Hdoc
				}
				if w == nil {
					return "", false
				}
				ev := a.evalWord(w)
				if !ev.static {
					return "", false
				}
				cur, have = ev.val, true
				if r.Op == syntax.WordHdoc {
					cur += "\n"
				}
			}
		}
		name := baseName(argv[0])
		switch {
		case i == 0 && name == "echo":
			cur, have = echoOutput(argv[1:]), true
		case i == 0 && name == "printf":
			cur, have = printfOutput(argv[1:]), true
		case name == "cat" && len(argv) == 1 && have:
		case !have:
			return "", false
		case isDecoder(argv):
			out, ok := applyDecoder(argv, cur)
			if !ok {
				return "", false
			}
			cur = out
		default:
			return "", false
		}
	}
	return cur, have
}

func (a *analyzer) flattenPipeNoMark(b *syntax.BinaryCmd) []*syntax.Stmt {
	var out []*syntax.Stmt
	for _, s := range []*syntax.Stmt{b.X, b.Y} {
		if inner, ok := s.Cmd.(*syntax.BinaryCmd); ok && (inner.Op == syntax.Pipe || inner.Op == syntax.PipeAll) {
			out = append(out, a.flattenPipeNoMark(inner)...)
			continue
		}
		out = append(out, s)
	}
	return out
}

func applyDecoder(argv []string, in string) (string, bool) {
	switch baseName(argv[0]) {
	case "base64", "openssl", "b64decode":
		return decodeBase64(in)
	case "xxd":
		return decodeHex(in)
	case "rev":
		lines := strings.Split(strings.TrimSuffix(in, "\n"), "\n")
		for i, l := range lines {
			lines[i] = reverse(l)
		}
		return strings.Join(lines, "\n") + "\n", true
	case "tr":
		return rot13(in), true
	}
	return "", false
}

// stmtsHave reports whether any simple command inside n satisfies pred.
func (a *analyzer) stmtsHave(n syntax.Node, pred func([]string) bool) bool {
	found := false
	syntax.Walk(n, func(m syntax.Node) bool {
		if found {
			return false
		}
		if s, ok := m.(*syntax.Stmt); ok {
			if argv := unwrapAll(a.stmtArgv(s)); len(argv) > 0 && pred(argv) {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

func (a *analyzer) funcDecl(f *frame, fd *syntax.FuncDecl) {
	if fd.Name == nil || fd.Body == nil {
		return
	}
	name := fd.Name.Value
	selfCalls, background, piped := 0, false, false
	syntax.Walk(fd.Body, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			if n.Background {
				background = true
			}
		case *syntax.BinaryCmd:
			if n.Op == syntax.Pipe {
				piped = true
			}
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				if ev := a.evalWord(n.Args[0]); ev.val == name {
					selfCalls++
				}
			}
		}
		return true
	})
	if selfCalls > 0 && (background || piped) {
		a.report(f, fd, "command.destructive.fork-bomb", airlock.Critical, airlock.ConfidenceHigh,
			"function `"+name+"` calls itself in the background: a fork bomb that exhausts the machine",
			"do not run it", "CWE-400")
	}
}

// scanText looks for obviously dangerous text when the command cannot be
// parsed, so a syntax error does not hide `curl … | sh`.
func (a *analyzer) scanText(f *frame, text string) {
	for _, p := range textPatterns {
		// The best-effort parse may already have found it.
		if slices.ContainsFunc(a.res.Findings, func(f airlock.Finding) bool { return f.RuleID == p.rule }) {
			continue
		}
		if p.re.MatchString(text) {
			a.report(f, nil, p.rule, p.sev, airlock.ConfidenceMedium, p.what+" (found in text that did not parse)", p.instead, p.cwe)
		}
	}
}

func baseName(s string) string {
	if s == "" {
		return ""
	}
	return path.Base(s)
}
