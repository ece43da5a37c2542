package intent

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// call is a call expression (or constructor, or shell command) in a
// language-neutral form.
type call struct {
	node *sitter.Node
	name string       // resolved dotted name
	args *sitter.Node // argument list; nil when there is none
	// recv is the receiver chain of a method call, searched for
	// literals too: Path("~/.bashrc").write_text(...).
	recv *sitter.Node
}

// visit is the second pass.
func (x *extractor) visit(n *sitter.Node) bool {
	switch x.lang {
	case Shell:
		return x.visitShell(n)
	}
	var c *call
	switch x.kind(n) {
	case "call":
		fn := n.ChildByFieldName("function")
		x.computedCall(n)
		c = &call{node: n, name: x.calleeName(n), args: n.ChildByFieldName("arguments"), recv: fn}
	case "call_expression":
		fn := n.ChildByFieldName("function")
		x.computedCall(n)
		c = &call{node: n, name: x.calleeName(n), args: n.ChildByFieldName("arguments"), recv: fn}
	case "new_expression":
		c = &call{node: n, name: x.resolve(normCallee(x.text(n.ChildByFieldName("constructor")))), args: n.ChildByFieldName("arguments")}
	case "method_invocation":
		x.computedCall(n)
		name := x.text(n.ChildByFieldName("name"))
		obj := n.ChildByFieldName("object")
		if obj != nil {
			name = normCallee(x.text(obj)) + "." + name
		}
		c = &call{node: n, name: x.resolve(name), args: n.ChildByFieldName("arguments"), recv: obj}
	case "object_creation_expression":
		c = &call{node: n, name: x.resolve(normCallee(x.text(n.ChildByFieldName("type")))), args: n.ChildByFieldName("arguments")}
	case "composite_literal":
		c = &call{node: n, name: x.resolve(normCallee(x.text(n.ChildByFieldName("type"))))}
	case "subscript_expression", "subscript":
		// globalThis["fe" + "tch"], globals()["ev" + "al"]
		idx := n.ChildByFieldName("index")
		if idx == nil {
			idx = n.ChildByFieldName("subscript")
		}
		if v, ok := x.built(idx); ok {
			x.add(n, CapObfuscation, v, "builds the name "+quoteShort(v)+" from pieces to hide what it reaches", true)
		}
		return true
	case "binary_operator":
		// pathlib: Path.home() / ".aws" / "credentials"
		if x.lang == Python && (n.Parent() == nil || n.Parent().Kind() != "binary_operator") && x.text(n.ChildByFieldName("operator")) == "/" {
			strs, _, home := x.lits(n)
			x.joinedPath(&call{node: n}, strs, home)
		}
		return true
	case "attribute", "member_expression", "identifier":
		x.envAccess(n)
		return true
	case "assignment", "variable_declarator", "short_var_declaration", "assignment_statement", "assignment_expression":
		x.track(n)
		x.urlAssign(n)
		return true
	default:
		return true
	}
	if c.name != "" {
		x.handleCall(c)
	}
	return true
}

// urlAssign reports `el.src = "https://…"` in JavaScript: setting the
// source of an image, script or frame, or a form's action, makes the
// browser fetch it, which is how tracking pixels carry data out.
func (x *extractor) urlAssign(n *sitter.Node) {
	if x.lang != JavaScript && x.lang != TypeScript && x.lang != TSX || x.kind(n) != "assignment_expression" {
		return
	}
	left := n.ChildByFieldName("left")
	if left == nil || x.kind(left) != "member_expression" {
		return
	}
	switch x.text(left.ChildByFieldName("property")) {
	case "src", "href", "action":
	default:
		return
	}
	strs, _, _ := x.lits(n.ChildByFieldName("right"))
	for _, s := range strs {
		for _, u := range findURLs(s) {
			if h := urlHost(u); h != "" {
				x.add(n, CapNetwork, h, "makes the browser load "+h+" ("+x.text(left)+" = …)", len(findIPs(h)) > 0)
				return
			}
		}
	}
}

// track marks variables assigned from decode or network calls.
func (x *extractor) track(n *sitter.Node) {
	left := n.ChildByFieldName("left")
	right := n.ChildByFieldName("right")
	if left == nil {
		left, right = n.ChildByFieldName("name"), n.ChildByFieldName("value")
	}
	if left == nil || right == nil {
		return
	}
	dec, net := x.taints(right)
	home := homeMarker(x.text(right)) && len(x.text(right)) < 200
	for _, id := range x.identifiers(left) {
		if home && id != "_" && id != "err" {
			x.homeVars[id] = true
		}
		if dec {
			x.decoded[id] = true
		}
		if net {
			x.fetched[id] = true
		}
	}
}

// taints reports whether an expression contains a decode call or a
// network call, directly or through a variable assigned from one.
func (x *extractor) taints(n *sitter.Node) (decoded, fetched bool) {
	x.walk(n, func(m *sitter.Node) bool {
		switch x.kind(m) {
		case "identifier":
			t := x.text(m)
			decoded = decoded || x.decoded[t]
			fetched = fetched || x.fetched[t]
		case "call", "call_expression", "method_invocation", "object_creation_expression", "new_expression":
			name := x.calleeName(m)
			for _, k := range classify(x.lang, name) {
				switch k {
				case kindDecode:
					if x.lang != JavaScript && x.lang != TypeScript && x.lang != TSX || name != "Buffer.from" || x.bufferDecodes(m) {
						decoded = true
					}
				case CapNetwork:
					fetched = true
				}
			}
		}
		return true
	})
	return decoded, fetched
}

func (x *extractor) calleeName(m *sitter.Node) string {
	switch x.kind(m) {
	case "method_invocation":
		name := x.text(m.ChildByFieldName("name"))
		if obj := m.ChildByFieldName("object"); obj != nil {
			name = normCallee(x.text(obj)) + "." + name
		}
		return x.resolve(name)
	case "object_creation_expression":
		return x.resolve(normCallee(x.text(m.ChildByFieldName("type"))))
	case "new_expression":
		return x.resolve(normCallee(x.text(m.ChildByFieldName("constructor"))))
	}
	fn := m.ChildByFieldName("function")
	if fn == nil {
		return ""
	}
	switch x.kind(fn) {
	case "member_expression", "attribute":
		// require("child_process").exec(…), __import__("os").system(…):
		// the module is inline
		if mod, _, ok := x.moduleOf(fn.ChildByFieldName("object")); ok {
			attr := fn.ChildByFieldName("property")
			if attr == nil {
				attr = fn.ChildByFieldName("attribute")
			}
			return mod + "." + x.text(attr)
		}
	case "subscript_expression":
		if name, ok := x.exprName(fn); ok {
			return name
		}
	case "call":
		// getattr(obj, "name")(…)
		if x.text(fn.ChildByFieldName("function")) == "getattr" {
			if a := fn.ChildByFieldName("arguments"); a != nil && a.NamedChildCount() >= 2 {
				obj, ok1 := x.exprName(a.NamedChild(0))
				attr, ok2 := x.fold(a.NamedChild(1))
				if ok1 && ok2 {
					return obj + "." + attr
				}
			}
		}
	}
	name := x.resolve(normCallee(x.text(fn)))
	if x.lang == JavaScript || x.lang == TypeScript || x.lang == TSX {
		for _, p := range globalPrefixes {
			name = strings.TrimPrefix(name, p)
		}
	}
	return name
}

// bufferDecodes reports whether Buffer.from is given a base64 or hex
// encoding.
func (x *extractor) bufferDecodes(m *sitter.Node) bool {
	t := strings.ToLower(x.text(m.ChildByFieldName("arguments")))
	return strings.Contains(t, "'base64'") || strings.Contains(t, `"base64"`) || strings.Contains(t, "'hex'") || strings.Contains(t, `"hex"`) || strings.Contains(t, "base64url")
}

func (x *extractor) identifiers(n *sitter.Node) []string {
	var ids []string
	x.walk(n, func(m *sitter.Node) bool {
		if x.kind(m) == "identifier" || x.kind(m) == "shorthand_property_identifier_pattern" {
			ids = append(ids, x.text(m))
		}
		return true
	})
	return ids
}

// lits returns the string values in a subtree, with identifiers bound to
// string constants replaced by their values, and integers (ports) kept.
func (x *extractor) lits(n *sitter.Node) (strs []string, ints []string, home bool) {
	if n == nil {
		return nil, nil, false
	}
	t := x.text(n)
	home = homeMarker(t)
	x.walk(n, func(m *sitter.Node) bool {
		if x.kind(m) == "identifier" && x.homeVars[x.text(m)] {
			home = true
		}
		switch {
		case x.isString(m):
			strs = append(strs, x.strValue(m))
			return x.kind(m) == "template_string"
		case x.kind(m) == "identifier":
			if v, ok := x.consts[x.text(m)]; ok {
				strs = append(strs, v)
			}
		case x.kind(m) == "integer" || x.kind(m) == "number" || x.kind(m) == "int_literal" || x.kind(m) == "decimal_integer_literal":
			ints = append(ints, x.text(m))
		}
		return true
	})
	return strs, ints, home
}

// innerHas reports whether a call's receiver chain holds another call of
// the same kind.
func (x *extractor) innerHas(c *call, k Cap) bool {
	if c.recv == nil {
		return false
	}
	found := false
	x.walk(c.recv, func(m *sitter.Node) bool {
		switch x.kind(m) {
		case "call", "call_expression", "method_invocation", "object_creation_expression", "new_expression":
			if hasCap(classify(x.lang, x.calleeName(m)), k) {
				found = true
			}
		}
		return !found
	})
	return found
}

// direct returns the string and integer literals that are themselves
// positional arguments (or tuple/list elements of one), not ones nested
// in calls or callbacks: join(home, ".aws", "credentials") gives the
// parts, connect(("203.0.113.7", 4444)) the host and port.
func (x *extractor) direct(args *sitter.Node) (strs, ints []string) {
	if args == nil {
		return nil, nil
	}
	var visit func(n *sitter.Node, depth int)
	visit = func(n *sitter.Node, depth int) {
		for i := uint(0); i < n.NamedChildCount(); i++ {
			a := n.NamedChild(i)
			switch {
			case x.isString(a):
				strs = append(strs, x.strValue(a))
			case x.kind(a) == "identifier":
				if v, ok := x.consts[x.text(a)]; ok {
					strs = append(strs, v)
				}
			case x.kind(a) == "binary_operator" || x.kind(a) == "binary_expression" || x.kind(a) == "concatenated_string" || x.kind(a) == "parenthesized_expression":
				if v, ok := x.fold(a); ok {
					strs = append(strs, v)
				}
			case x.kind(a) == "integer" || x.kind(a) == "number" || x.kind(a) == "int_literal" || x.kind(a) == "decimal_integer_literal":
				ints = append(ints, x.text(a))
			case depth == 0 && (x.kind(a) == "tuple" || x.kind(a) == "list" || x.kind(a) == "array"):
				visit(a, 1)
			}
		}
	}
	visit(args, 0)
	return strs, ints
}

// positional returns the string literals of positional arguments,
// leaving out keyword arguments and option objects (env=…, {cwd: …}).
func (x *extractor) positional(args *sitter.Node) []string {
	if args == nil {
		return nil
	}
	var out []string
	for i := uint(0); i < args.NamedChildCount(); i++ {
		a := args.NamedChild(i)
		switch x.kind(a) {
		case "keyword_argument", "object", "dictionary", "pair", "comment":
			continue
		}
		s, _, _ := x.lits(a)
		out = append(out, s...)
	}
	return out
}

// homeMarker reports whether an expression builds a path under the home
// directory.
func homeMarker(t string) bool {
	for _, h := range []string{"expanduser", "Path.home", "homedir", "UserHomeDir", "user.home", "\"HOME\"", "'HOME'", "$HOME", "${HOME}", "USERPROFILE", "os.homedir", "HOMEPATH"} {
		if strings.Contains(t, h) {
			return true
		}
	}
	return false
}

func (x *extractor) handleCall(c *call) {
	kinds := classify(x.lang, c.name)
	if x.lang == Python && (c.name == "open" || c.name == "io.open" || c.name == "codecs.open" || strings.HasSuffix(c.name, ".open") && strings.Contains(c.name, "Path")) {
		if x.pythonWriteMode(c) {
			kinds = append(kinds, kindWrite)
		} else {
			kinds = append(kinds, kindRead)
		}
	}
	dstrs, ints := x.direct(c.args)
	x.jsSpecial(c, dstrs)
	if len(kinds) == 0 {
		// most calls use no capability: look only at their direct
		// arguments, so nested calls are not walked again and again
		x.joinedPath(c, dstrs, homeMarker(x.text(c.args)))
		x.argvPersistence(c, dstrs)
		return
	}
	strs, _, home := x.lits(c.args)
	rstrs, _, rhome := x.lits(c.recv)
	if c.name != "" && c.recv != nil && len(kinds) > 0 {
		strs = append(rstrs, strs...)
		home = home || rhome
	}
	for _, k := range kinds {
		if x.innerHas(c, k) {
			// exec.Command(...).Run(): the inner call carries the detail
			continue
		}
		switch k {
		case CapNetwork:
			x.networkUse(c, strs, ints)
		case kindConnectTo:
			if host := hostOf(strs); host != "" {
				x.networkUse(c, strs, ints)
			}
		case CapProcess:
			argv := strings.Join(x.positional(c.args), " ")
			if len(argv) > 120 {
				argv = argv[:120] + "…"
			}
			why := "runs a process (" + c.name + ")"
			if argv != "" {
				why = fmt.Sprintf("runs %q", argv)
			}
			x.add(c.node, CapProcess, argv, why, false)
			x.execOf(c, "a process")
			x.shellLine(c, x.positional(c.args))
			x.argvPersistence(c, dstrs)
		case CapEval:
			if x.lang == Python && c.name == "compile" && len(strs) == 0 && c.args != nil && c.args.NamedChildCount() < 2 {
				continue
			}
			x.add(c.node, CapEval, c.name, "evaluates dynamically built code ("+c.name+")", false)
			x.execOf(c, c.name)
		case CapDeserialize:
			if x.lang == Java && strings.HasSuffix(c.name, "Yaml.load") && strings.Contains(x.text(c.recv), "SafeConstructor") {
				continue // SnakeYAML restricted to plain types
			}
			x.add(c.node, CapDeserialize, c.name, "deserializes data with "+c.name+", which can run code", false)
		case CapNative:
			d := c.name
			if len(strs) > 0 {
				d = strs[0]
			}
			x.add(c.node, CapNative, d, "loads native code ("+c.name+")", false)
		case kindDecode:
			if (x.lang == JavaScript || x.lang == TypeScript || x.lang == TSX) && c.name == "Buffer.from" && !x.bufferDecodes(c.node) {
				continue
			}
			x.hasDecode = true
		case kindWrite:
			x.writeUse(c, strs, home)
		case kindRead:
			x.readUse(c, dstrs, strs, home)
		case kindEnvNamed:
			if len(strs) == 0 {
				if x.lang == Java && (c.args == nil || c.args.NamedChildCount() == 0) {
					x.envDump(c.node, c.name+"()")
				}
				continue
			}
			x.envNamed(c.node, strs[0])
		case kindEnvDump:
			if !x.passedToChild(c.node) {
				x.envDump(c.node, c.name+"()")
			}
		}
	}
	x.joinedPath(c, dstrs, home)
	if x.lang == Python && c.name == "yaml.load" && !strings.Contains(x.text(c.args), "SafeLoader") {
		x.add(c.node, CapDeserialize, c.name, "deserializes YAML with yaml.load without SafeLoader, which can run code", false)
	}
}

// shellLine analyses the command line a process call hands to a shell —
// os.system("curl … | sh"), exec("cat ~/.aws/credentials"), ["bash",
// "-c", "…"] — with the shell extractor, and reports what it finds at
// the call.
func (x *extractor) shellLine(c *call, argv []string) {
	if x.lang == Shell || len(argv) == 0 {
		return
	}
	script := ""
	for i, a := range argv {
		if (a == "-c" || a == "/c") && i+1 < len(argv) {
			script = argv[i+1]
			break
		}
	}
	if script == "" && len(argv) == 1 && strings.ContainsAny(argv[0], " |;&><$") {
		script = argv[0]
	}
	if script == "" || len(script) > 1<<16 {
		return
	}
	us, err := ExtractLang(x.ctx, Shell, x.path, []byte(script))
	if err != nil {
		return
	}
	for _, u := range us {
		x.add(c.node, u.Cap, u.Detail, u.Why+" (in the command line it runs)", u.Sensitive)
	}
}

// jsSpecial handles JavaScript calls whose meaning depends on their
// arguments: setTimeout with a string, import of a URL, require of a
// native addon.
func (x *extractor) jsSpecial(c *call, dstrs []string) {
	if x.lang == JavaScript || x.lang == TypeScript || x.lang == TSX {
		if (c.name == "setTimeout" || c.name == "setInterval") && c.args != nil && c.args.NamedChildCount() > 0 && x.isString(c.args.NamedChild(0)) {
			x.add(c.node, CapEval, c.name, "evaluates a string as code ("+c.name+")", false)
		}
		if c.name == "import" && len(dstrs) > 0 && len(findURLs(dstrs[0])) > 0 {
			host := urlHost(dstrs[0])
			x.add(c.node, CapNetwork, host, "loads a module from "+host+" at run time", false)
			x.add(c.node, CapObfuscation, dstrs[0], "downloads code and runs it (import of "+dstrs[0]+")", true)
		}
		if c.name == "require" && len(dstrs) == 1 && strings.HasSuffix(dstrs[0], ".node") {
			x.add(c.node, CapNative, dstrs[0], "loads a native addon "+dstrs[0], false)
		}
	}
}

// pythonWriteMode reports whether open() is called with a mode that
// writes.
func (x *extractor) pythonWriteMode(c *call) bool {
	if c.args == nil {
		return false
	}
	for i := uint(0); i < c.args.NamedChildCount(); i++ {
		a := c.args.NamedChild(i)
		var mode *sitter.Node
		switch {
		case x.kind(a) == "keyword_argument" && x.text(a.ChildByFieldName("name")) == "mode":
			mode = a.ChildByFieldName("value")
		case i == 1 && x.isString(a):
			mode = a
		case i == 0 && x.isString(a) && strings.Contains(c.name, "Path.") && strings.HasSuffix(c.name, ".open"):
			mode = a
		}
		if mode != nil && x.isString(mode) && strings.ContainsAny(x.strValue(mode), "wax+") {
			return true
		}
	}
	return false
}

// hostOf returns the first URL host, IP or host-looking string.
func hostOf(strs []string) string {
	for _, s := range strs {
		if us := findURLs(s); len(us) > 0 {
			if h := urlHost(us[0]); h != "" {
				return h
			}
		}
		if ips := findIPs(s); len(ips) > 0 {
			return ips[0].String()
		}
	}
	for _, s := range strs {
		if looksLikeHost(s) {
			return s
		}
	}
	return ""
}

// looksLikeHost accepts "api.example.com" or "example.com:443" but not
// file names such as "report.csv".
func looksLikeHost(s string) bool {
	if len(s) < 4 || len(s) > 253 || strings.ContainsAny(s, " /\\{}$%") || !strings.Contains(s, ".") {
		return false
	}
	h := s
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		h = s[:i]
	}
	tld := h[strings.LastIndexByte(h, '.')+1:]
	switch strings.ToLower(tld) {
	case "com", "net", "org", "io", "dev", "xyz", "ru", "cn", "top", "info", "biz", "co", "me", "app", "cloud", "site", "online", "tk", "cc", "su", "pw", "onion", "example", "test", "invalid", "local", "internal":
		return true
	}
	return false
}

func (x *extractor) networkUse(c *call, strs, ints []string) {
	host := hostOf(strs)
	if host != "" && !strings.Contains(host, ":") && len(ints) > 0 {
		if p, err := strconv.Atoi(ints[0]); err == nil && p > 0 && p < 65536 {
			host = fmt.Sprintf("%s:%d", host, p)
		}
	}
	bare := host
	if h, _, ok := strings.Cut(host, ":"); ok {
		bare = h
	}
	switch {
	case bare == metadataIP:
		x.add(c.node, CapCredentials, host, "queries the cloud instance-metadata service ("+host+"), which hands out credentials", true)
	case len(findIPs(bare)) > 0:
		x.add(c.node, CapNetwork, host, "opens a connection to the raw IP address "+host, true)
	case host != "":
		x.add(c.node, CapNetwork, host, "connects to "+host, false)
	default:
		x.add(c.node, CapNetwork, "", "uses the network ("+c.name+")", false)
	}
}

// writeUse classifies a file write by where it writes.
func (x *extractor) writeUse(c *call, strs []string, home bool) {
	cands := strs
	if j := x.joinParts(strs, home); j != "" {
		cands = append([]string{j}, strs...)
	}
	for _, s := range cands {
		p := s
		if home && !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "~") && strings.Contains(p, ".") {
			p = "~/" + p
		}
		if r, ok := classifyPath(p); ok {
			x.add(c.node, r.cap, p, fmt.Sprintf("writes to %s (%s)", p, r.what), true)
			return
		}
		if outsideProject(p) {
			x.add(c.node, CapFileWrite, p, "writes to "+p+", outside the project", false)
			return
		}
	}
	if home && len(strs) > 0 {
		x.add(c.node, CapFileWrite, "~", "writes into the home directory", false)
	}
}

// readUse reports reads of sensitive locations with the verb "reads";
// other reads are not a capability.
func (x *extractor) readUse(c *call, dstrs, strs []string, home bool) {
	// the joined parts first: read(join(home, ".ssh", "id_rsa")) names
	// the key, not just its directory
	cands := strs
	for _, parts := range [][]string{strs, dstrs} {
		if j := x.joinParts(parts, home); j != "" {
			cands = append([]string{j}, cands...)
		}
	}
	for _, s := range cands {
		p := s
		if home && !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "~") && strings.HasPrefix(p, ".") {
			p = "~/" + p
		}
		if r, ok := classifyPath(p); ok {
			x.add(c.node, r.cap, p, fmt.Sprintf("reads %s (%s)", p, r.what), true)
			return
		}
	}
}

var (
	openModeRe = regexp.MustCompile(`^[rwaxbtU+]{1,3}$`)
	encodings  = map[string]bool{"utf8": true, "utf-8": true, "ascii": true, "latin1": true, "base64": true, "hex": true, "binary": true, "utf16le": true}
)

// joinParts joins path parts given as separate arguments, or returns ""
// when they are not path parts.
func (x *extractor) joinParts(strs []string, home bool) string {
	var parts []string
	for _, s := range strs {
		if strings.HasPrefix(s, "-") || strings.ContainsAny(s, " \n") {
			return ""
		}
		if openModeRe.MatchString(s) || encodings[strings.ToLower(s)] {
			continue // open(path, "a"), readFileSync(path, "utf8")
		}
		if s != "~" && s != "" {
			parts = append(parts, strings.TrimPrefix(s, "~/"))
		}
	}
	if len(parts) < 2 || len(parts) > 8 {
		return ""
	}
	j := strings.Join(parts, "/")
	if home {
		j = "~/" + j
	}
	return j
}

// joinedPath catches paths split into parts: join(home, ".aws",
// "credentials").
func (x *extractor) joinedPath(c *call, strs []string, home bool) {
	j := x.joinParts(strs, home)
	if j == "" {
		return
	}
	if r, ok := classifyPath(j); ok {
		x.add(c.node, r.cap, j, fmt.Sprintf("accesses %s (%s)", j, r.what), true)
	}
}

// argvPersistence spots persistence set up through a command: systemctl
// enable, launchctl load, git config core.hooksPath, schtasks /create.
func (x *extractor) argvPersistence(c *call, strs []string) {
	persistArgv(strs, func(what string) {
		x.add(c.node, CapPersistence, strings.Join(strs, " "), "installs "+what, true)
	})
}

func persistArgv(strs []string, report func(what string)) {
	has := func(s string) bool {
		for _, v := range strs {
			if strings.EqualFold(v, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("systemctl") && has("enable"):
		report("a systemd service that starts on boot")
	case has("launchctl") && (has("load") || has("bootstrap")):
		report("a launchd job")
	case has("git") && has("config") && (has("core.hooksPath") || has("core.hookspath")):
		report("a git hooks path")
	case has("schtasks") && has("/create"):
		report("a Windows scheduled task")
	}
}

// execOf reports decode-then-exec and download-then-exec: the code
// evaluated or the command run comes from a decoder or from the network.
func (x *extractor) execOf(c *call, what string) {
	if c.args == nil {
		return
	}
	dec, net := x.taints(c.args)
	switch {
	case dec:
		x.add(c.node, CapObfuscation, c.name, "decodes data and runs it as code ("+what+")", true)
	case net:
		x.add(c.node, CapObfuscation, c.name, "downloads code and runs it ("+what+")", true)
	}
}

// passedToChild reports whether an environment copy is handed to a child
// process (env=…, cmd.Env = …), which is not a leak.
func (x *extractor) passedToChild(n *sitter.Node) bool {
	p := n
	for i := 0; i < 6 && p != nil; i++ {
		p = p.Parent()
		if p == nil {
			break
		}
		switch x.kind(p) {
		case "keyword_argument", "pair":
			k := p.ChildByFieldName("name")
			if k == nil {
				k = p.ChildByFieldName("key")
			}
			// env= in the options of a process call hands the
			// environment to the child; anywhere else it is data
			return strings.Contains(strings.ToLower(x.text(k)), "env") && x.inProcessCall(p)
		case "assignment", "assignment_statement", "assignment_expression", "short_var_declaration":
			if strings.Contains(strings.ToLower(x.text(p.ChildByFieldName("left"))), "env") {
				return true
			}
			return false
		case "variable_declarator":
			if strings.Contains(strings.ToLower(x.text(p.ChildByFieldName("name"))), "env") {
				return true
			}
			return false
		}
	}
	return false
}

// inProcessCall reports whether n is inside the arguments of a call that
// starts a process.
func (x *extractor) inProcessCall(n *sitter.Node) bool {
	p := n
	for i := 0; i < 4 && p != nil; i++ {
		p = p.Parent()
		if p == nil {
			return false
		}
		switch x.kind(p) {
		case "call", "call_expression", "method_invocation", "new_expression", "object_creation_expression":
			return hasCap(classify(x.lang, x.calleeName(p)), CapProcess)
		}
	}
	return false
}

func (x *extractor) envDump(n *sitter.Node, how string) {
	if x.passedToChild(n) {
		return
	}
	x.add(n, CapEnv, how, "reads the whole environment ("+how+"), including any secrets in it", false)
}

func (x *extractor) envNamed(n *sitter.Node, name string) {
	if secretEnvRe.MatchString(name) {
		x.add(n, CapCredentials, name, "reads the secret environment variable "+name, false)
	}
}

// envAccess handles os.environ (Python) and process.env (JavaScript).
func (x *extractor) envAccess(n *sitter.Node) {
	t := x.text(n)
	var isEnv bool
	switch x.lang {
	case Python:
		isEnv = (x.kind(n) == "attribute" || x.kind(n) == "identifier") && x.resolve(t) == "os.environ"
	case JavaScript, TypeScript, TSX:
		isEnv = x.kind(n) == "member_expression" && strings.ReplaceAll(t, " ", "") == "process.env"
	}
	if !isEnv {
		return
	}
	p := n.Parent()
	if p == nil {
		return
	}
	switch x.kind(p) {
	case "subscript", "subscript_expression":
		if x.text(p.ChildByFieldName("value")) == t || x.text(p.ChildByFieldName("object")) == t {
			strs, _, _ := x.lits(p.ChildByFieldName("subscript"))
			if len(strs) == 0 {
				strs, _, _ = x.lits(p.ChildByFieldName("index"))
			}
			if len(strs) > 0 {
				x.envNamed(p, strs[0])
			}
			return
		}
	case "attribute", "member_expression":
		attr := p.ChildByFieldName("attribute")
		if attr == nil {
			attr = p.ChildByFieldName("property")
		}
		a := x.text(attr)
		switch a {
		case "get", "setdefault", "pop", "__getitem__", "__contains__":
			return // handled as a call with its key
		case "items", "keys", "values", "copy":
			x.envDump(p, t+"."+a+"()")
			return
		}
		if x.lang != Python {
			x.envNamed(p, a)
		}
		return
	case "import_from_statement", "dotted_name", "aliased_import", "assignment":
		if x.kind(p) != "assignment" {
			return
		}
	}
	x.envDump(n, t)
}
