package intent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// ErrUnsupported is returned for files in a language the extractor does
// not know.
var ErrUnsupported = errors.New("unsupported language")

// maxDepth bounds the syntax-tree walk so hostile, deeply nested input
// cannot exhaust memory.
const maxDepth = 2000

// Extract returns the capabilities the source of one file uses. path is
// used for the language and in the uses; src is not modified.
func Extract(ctx context.Context, path string, src []byte) ([]Use, error) {
	lang := LanguageOf(path, src)
	if lang == "" {
		return nil, fmt.Errorf("%s: %w", path, ErrUnsupported)
	}
	return ExtractLang(ctx, lang, path, src)
}

// ExtractLang is Extract with the language given.
func ExtractLang(ctx context.Context, lang, path string, src []byte) ([]Use, error) {
	g := grammar(lang)
	if g == nil {
		return nil, fmt.Errorf("%s: %w %q", path, ErrUnsupported, lang)
	}
	p := sitter.NewParser()
	defer p.Close()
	if err := p.SetLanguage(g); err != nil {
		return nil, fmt.Errorf("%s: load %s grammar: %w", path, lang, err)
	}
	read := func(off int, _ sitter.Point) []byte {
		if off >= len(src) {
			return nil
		}
		return src[off:]
	}
	tree := p.ParseWithOptions(read, nil, &sitter.ParseOptions{
		ProgressCallback: func(sitter.ParseState) bool { return ctx.Err() != nil },
	})
	if tree == nil {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: parse: %w", path, err)
		}
		return nil, fmt.Errorf("%s: parse failed", path)
	}
	defer tree.Close()
	x := &extractor{
		ctx: ctx, lang: lang, path: path, src: src,
		aliases: map[string]string{}, consts: map[string]string{},
		decoded: map[string]bool{}, fetched: map[string]bool{},
		seen: map[string]bool{}, kinds: map[uintptr]string{}, homeVars: map[string]bool{}, shellVars: map[string]shellVar{},
	}
	root := tree.RootNode()
	x.walk(root, x.declare)
	x.walk(root, x.visit)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	x.finish()
	return x.uses, nil
}

type strLit struct {
	val  string
	node *sitter.Node
}

type extractor struct {
	ctx        context.Context
	lang, path string
	src        []byte
	// aliases maps a local name to what it was imported as: "sp" →
	// "subprocess", "http" → "net/http", "exec" → "child_process.exec".
	aliases map[string]string
	// consts maps simple identifiers to the string assigned to them, so
	// `HOST = "203.0.113.7"; connect((HOST, 4444))` names the host.
	consts map[string]string
	// decoded and fetched hold identifiers assigned from a decode call or
	// from a network call, to see decode-then-exec across statements.
	decoded, fetched map[string]bool
	// homeVars are identifiers holding the home directory (home, _ :=
	// os.UserHomeDir()), so join(home, ".ssh") is under it
	homeVars map[string]bool
	// shellVars are shell variables assigned from constants, in
	// document order
	shellVars  map[string]shellVar
	strs       []strLit
	uses       []Use
	seen       map[string]bool
	hasNetwork bool
	hasDecode  bool
	evalUse    int // index+1 of the first eval use in uses; 0 when none
	// kinds caches node kinds by node id: Node.Kind is a cgo call that
	// allocates, and every pass asks again.
	kinds map[uintptr]string
}

func (x *extractor) kind(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	id := n.Id()
	if k, ok := x.kinds[id]; ok {
		return k
	}
	k := n.Kind()
	x.kinds[id] = k
	return k
}

// walk visits nodes in document order, parents before children; visit
// returns false to skip a node's children.
func (x *extractor) walk(root *sitter.Node, visit func(n *sitter.Node) bool) {
	// a cursor moves in O(1) per step; Node.Child(i) is a cgo call that
	// scans the children again each time
	c := root.Walk()
	defer c.Close()
	depth, steps := 0, 0
	for {
		if steps++; steps%4096 == 0 && x.ctx.Err() != nil {
			return
		}
		if visit(c.Node()) && depth < maxDepth && c.GotoFirstChild() {
			depth++
			continue
		}
		for !c.GotoNextSibling() {
			if depth == 0 || !c.GotoParent() {
				return
			}
			depth--
		}
		if depth == 0 {
			return
		}
	}
}

func (x *extractor) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	s, e := n.StartByte(), n.EndByte()
	if e > uint(len(x.src)) || s > e {
		return ""
	}
	return string(x.src[s:e])
}

// lineOf returns the trimmed source line of n, cut to a readable length.
func (x *extractor) lineOf(n *sitter.Node) string {
	s := int(n.StartByte())
	if s > len(x.src) {
		return ""
	}
	// byte-slice searches: converting the prefix to a string would copy
	// the file for every use
	b := bytes.LastIndexByte(x.src[:s], '\n') + 1
	e := bytes.IndexByte(x.src[s:], '\n')
	if e < 0 {
		e = len(x.src)
	} else {
		e += s
	}
	line := strings.TrimSpace(string(x.src[b:e]))
	if len(line) > 200 {
		line = line[:200] + "…"
	}
	return line
}

func (x *extractor) add(n *sitter.Node, c Cap, detail, why string, sensitive bool) {
	pos := n.StartPosition()
	line := int(pos.Row) + 1
	// one use per capability and line: the first one found is the most
	// specific (calls are visited before the literals inside them)
	key := fmt.Sprintf("%s\x00%d", c, line)
	if x.seen[key] {
		return
	}
	x.seen[key] = true
	if c == CapNetwork {
		x.hasNetwork = true
	}
	u := Use{Cap: c, File: x.path, Line: line, Col: int(pos.Column) + 1, Detail: detail, Why: why, Sensitive: sensitive, Evidence: x.lineOf(n)}
	x.uses = append(x.uses, u)
	if c == CapEval && x.evalUse == 0 {
		x.evalUse = len(x.uses)
	}
}

// isString reports whether n is a string literal node of the language.
func (x *extractor) isString(n *sitter.Node) bool {
	switch x.kind(n) {
	case "string", "template_string", "interpreted_string_literal", "raw_string_literal", "string_literal", "raw_string", "text_block":
		return true
	}
	return false
}

// strValue is the literal's text without quotes or prefixes.
func (x *extractor) strValue(n *sitter.Node) string {
	s := x.text(n)
	if x.lang == Shell && x.kind(n) == "word" {
		return s
	}
	s = strings.TrimLeft(s, "rbufRBUF@$")
	for _, q := range []string{`"""`, `'''`} {
		if len(s) >= 6 && strings.HasPrefix(s, q) && strings.HasSuffix(s, q) {
			return s[3 : len(s)-3]
		}
	}
	if len(s) >= 2 && strings.ContainsRune("\"'`", rune(s[0])) && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// normCallee writes a callee expression as a dotted name: whitespace,
// argument lists, type arguments and optional chaining removed.
func normCallee(s string) string {
	if len(s) > 400 {
		s = s[:400]
	}
	var b strings.Builder
	depth, angle := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case c == '<':
			angle++
		case c == '>':
			if angle > 0 {
				angle--
			}
		case angle > 0:
		case c == '?' || c == '!' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '&' || c == '*':
		default:
			b.WriteByte(c)
		}
	}
	out := strings.TrimPrefix(b.String(), "new")
	if out != b.String() && (out == "" || out[0] < 'A' || out[0] > 'Z') {
		out = b.String() // "newThing" was a name, not the keyword
	}
	return strings.ReplaceAll(out, "..", ".")
}

// resolve replaces the first segment of a dotted name by what it was
// imported as.
func (x *extractor) resolve(name string) string {
	first, rest, _ := strings.Cut(name, ".")
	if a, ok := x.aliases[first]; ok {
		if rest == "" {
			return a
		}
		return a + "." + rest
	}
	return name
}

// declare is the first pass: imports, string constants, string literals.
func (x *extractor) declare(n *sitter.Node) bool {
	switch x.lang {
	case Python:
		x.declarePython(n)
	case JavaScript, TypeScript, TSX:
		x.declareJS(n)
	case Go:
		x.declareGo(n)
	case Java:
		x.declareJava(n)
	}
	if x.isString(n) || (x.lang == Shell && x.kind(n) == "word") {
		if !x.isDocstring(n) {
			x.strs = append(x.strs, strLit{x.strValue(n), n})
		}
	}
	return true
}

func (x *extractor) isDocstring(n *sitter.Node) bool {
	if x.lang != Python {
		return false
	}
	p := n.Parent()
	return p != nil && x.kind(p) == "expression_statement" && p.NamedChildCount() == 1
}

// constant records `name = "literal"` in any of the languages.
func (x *extractor) constant(name, value *sitter.Node) {
	if name == nil || value == nil {
		return
	}
	if x.kind(value) == "expression_list" && value.NamedChildCount() == 1 {
		value = value.NamedChild(0)
	}
	if x.kind(name) == "expression_list" && name.NamedChildCount() == 1 {
		name = name.NamedChild(0)
	}
	if x.kind(name) != "identifier" {
		return
	}
	if v, ok := x.fold(value); ok {
		x.consts[x.text(name)] = v
	}
}

func (x *extractor) declarePython(n *sitter.Node) {
	switch x.kind(n) {
	case "import_statement":
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			if x.kind(c) == "aliased_import" {
				x.aliases[x.text(c.ChildByFieldName("alias"))] = x.text(c.ChildByFieldName("name"))
			}
		}
	case "import_from_statement":
		mod := x.text(n.ChildByFieldName("module_name"))
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			if n.FieldNameForNamedChild(uint32(i)) != "name" {
				continue
			}
			switch x.kind(c) {
			case "dotted_name":
				x.aliases[x.text(c)] = mod + "." + x.text(c)
			case "aliased_import":
				x.aliases[x.text(c.ChildByFieldName("alias"))] = mod + "." + x.text(c.ChildByFieldName("name"))
			}
		}
	case "assignment":
		x.constant(n.ChildByFieldName("left"), n.ChildByFieldName("right"))
		x.bindAlias(n.ChildByFieldName("left"), n.ChildByFieldName("right"))
	}
}

// jsModule normalises a module specifier.
func jsModule(s string) string {
	return strings.TrimPrefix(s, "node:")
}

func (x *extractor) declareJS(n *sitter.Node) {
	switch x.kind(n) {
	case "variable_declarator":
		name, value := n.ChildByFieldName("name"), n.ChildByFieldName("value")
		x.constant(name, value)
		x.bindAlias(name, value)
		if value == nil || name == nil {
			return
		}
		if x.kind(value) == "await_expression" && value.NamedChildCount() > 0 {
			value = value.NamedChild(0)
		}
		mod, ok := x.requireOf(value)
		if !ok {
			return
		}
		switch x.kind(name) {
		case "identifier":
			x.aliases[x.text(name)] = mod
		case "object_pattern":
			for i := uint(0); i < name.NamedChildCount(); i++ {
				c := name.NamedChild(i)
				switch x.kind(c) {
				case "shorthand_property_identifier_pattern":
					x.aliases[x.text(c)] = mod + "." + x.text(c)
				case "pair_pattern":
					x.aliases[x.text(c.ChildByFieldName("value"))] = mod + "." + x.text(c.ChildByFieldName("key"))
				}
			}
		}
	case "import_statement":
		src := n.ChildByFieldName("source")
		if src == nil {
			return
		}
		mod := jsModule(x.strValue(src))
		for i := uint(0); i < n.NamedChildCount(); i++ {
			clause := n.NamedChild(i)
			if x.kind(clause) != "import_clause" {
				continue
			}
			for j := uint(0); j < clause.NamedChildCount(); j++ {
				c := clause.NamedChild(j)
				switch x.kind(c) {
				case "identifier":
					x.aliases[x.text(c)] = mod
				case "namespace_import":
					for k := uint(0); k < c.NamedChildCount(); k++ {
						x.aliases[x.text(c.NamedChild(k))] = mod
					}
				case "named_imports":
					for k := uint(0); k < c.NamedChildCount(); k++ {
						spec := c.NamedChild(k)
						nm := spec.ChildByFieldName("name")
						local := nm
						if a := spec.ChildByFieldName("alias"); a != nil {
							local = a
						}
						x.aliases[x.text(local)] = mod + "." + x.text(nm)
					}
				}
			}
		}
	}
}

// requireOf returns the module of a `require("m")` or `import("m")` call.
func (x *extractor) requireOf(n *sitter.Node) (string, bool) {
	if n == nil || x.kind(n) != "call_expression" {
		return "", false
	}
	fn := x.text(n.ChildByFieldName("function"))
	if fn != "require" && fn != "import" {
		return "", false
	}
	args := n.ChildByFieldName("arguments")
	if args == nil || args.NamedChildCount() == 0 {
		return "", false
	}
	m, ok := x.fold(args.NamedChild(0))
	return jsModule(m), ok
}

func (x *extractor) declareGo(n *sitter.Node) {
	switch x.kind(n) {
	case "import_spec":
		path := x.strValue(n.ChildByFieldName("path"))
		if path == "C" {
			x.add(n, CapNative, "cgo", `uses cgo (import "C") to call native code`, false)
			return
		}
		local := path[strings.LastIndexByte(path, '/')+1:]
		if nm := n.ChildByFieldName("name"); nm != nil && nm.Kind() == "package_identifier" {
			local = x.text(nm)
		}
		x.aliases[local] = path
	case "const_spec", "var_spec":
		x.constant(n.ChildByFieldName("name"), n.ChildByFieldName("value"))
		x.bindAlias(n.ChildByFieldName("name"), n.ChildByFieldName("value"))
	case "short_var_declaration", "assignment_statement":
		x.constant(n.ChildByFieldName("left"), n.ChildByFieldName("right"))
		x.bindAlias(n.ChildByFieldName("left"), n.ChildByFieldName("right"))
	}
}

func (x *extractor) declareJava(n *sitter.Node) {
	switch x.kind(n) {
	case "import_declaration":
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			if x.kind(c) == "scoped_identifier" {
				full := x.text(c)
				x.aliases[full[strings.LastIndexByte(full, '.')+1:]] = full
			}
		}
	case "variable_declarator":
		x.constant(n.ChildByFieldName("name"), n.ChildByFieldName("value"))
	case "method_declaration":
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			if x.kind(c) == "modifiers" && strings.Contains(" "+x.text(c)+" ", " native ") {
				x.add(n, CapNative, "JNI", "declares a JNI native method "+x.text(n.ChildByFieldName("name")), false)
			}
		}
	}
}
