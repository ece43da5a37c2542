package intent

import (
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// fold evaluates an expression built only from string literals and
// string constants: "o" + "s", "".join(["so", "ck", "et"]),
// ['child', 'process'].join('_'). Obfuscated code builds names this way
// so that a search for "os.system" finds nothing; folding undoes it.
func (x *extractor) fold(n *sitter.Node) (string, bool) {
	return x.foldDepth(n, 0)
}

func (x *extractor) foldDepth(n *sitter.Node, depth int) (string, bool) {
	if n == nil || depth > 64 {
		return "", false
	}
	k := x.kind(n)
	switch {
	case x.isString(n):
		for i := uint(0); i < n.NamedChildCount(); i++ {
			switch x.kind(n.NamedChild(i)) {
			case "interpolation", "template_substitution":
				return "", false
			}
		}
		return x.strValue(n), true
	case k == "identifier":
		v, ok := x.consts[x.text(n)]
		return v, ok
	case k == "parenthesized_expression":
		if n.NamedChildCount() == 1 {
			return x.foldDepth(n.NamedChild(0), depth+1)
		}
	case k == "concatenated_string":
		var b strings.Builder
		for i := uint(0); i < n.NamedChildCount(); i++ {
			s, ok := x.foldDepth(n.NamedChild(i), depth+1)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	case k == "binary_operator" || k == "binary_expression":
		if op := x.text(n.ChildByFieldName("operator")); op != "+" {
			return "", false
		}
		l, ok := x.foldDepth(n.ChildByFieldName("left"), depth+1)
		if !ok {
			return "", false
		}
		r, ok := x.foldDepth(n.ChildByFieldName("right"), depth+1)
		return l + r, ok
	case k == "call" || k == "call_expression":
		return x.foldJoin(n, depth)
	}
	return "", false
}

// foldJoin folds "sep".join([...]) (Python) and [...].join(sep)
// (JavaScript).
func (x *extractor) foldJoin(n *sitter.Node, depth int) (string, bool) {
	fn := n.ChildByFieldName("function")
	args := n.ChildByFieldName("arguments")
	if fn == nil || args == nil {
		return "", false
	}
	var sepNode, listNode *sitter.Node
	switch x.kind(fn) {
	case "attribute": // Python: sep.join(list)
		if x.text(fn.ChildByFieldName("attribute")) != "join" || args.NamedChildCount() != 1 {
			return "", false
		}
		sepNode, listNode = fn.ChildByFieldName("object"), args.NamedChild(0)
	case "member_expression": // JavaScript: list.join(sep)
		if x.text(fn.ChildByFieldName("property")) != "join" || args.NamedChildCount() > 1 {
			return "", false
		}
		listNode = fn.ChildByFieldName("object")
		if args.NamedChildCount() == 1 {
			sepNode = args.NamedChild(0)
		}
	default:
		return "", false
	}
	sep := ","
	if sepNode != nil {
		s, ok := x.foldDepth(sepNode, depth+1)
		if !ok {
			return "", false
		}
		sep = s
	}
	switch x.kind(listNode) {
	case "list", "tuple", "array":
	default:
		return "", false
	}
	var parts []string
	for i := uint(0); i < listNode.NamedChildCount(); i++ {
		s, ok := x.foldDepth(listNode.NamedChild(i), depth+1)
		if !ok {
			return "", false
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, sep), true
}

// built reports whether n is a name assembled from pieces rather than
// written out: the fold succeeded on something that is not one literal.
func (x *extractor) built(n *sitter.Node) (string, bool) {
	if n == nil || x.isString(n) || x.kind(n) == "identifier" {
		return "", false
	}
	return x.fold(n)
}

// globalPrefixes are the JavaScript global objects a name can be reached
// through: globalThis.fetch is fetch.
var globalPrefixes = []string{"globalThis.", "window.", "self.", "global."}

// exprName writes a reference expression as a dotted name, folding
// computed members: m['exe' + 'cSync'] is m.execSync. ok is false for
// expressions that are not plain references.
func (x *extractor) exprName(n *sitter.Node) (string, bool) {
	return x.exprNameDepth(n, 0)
}

func (x *extractor) exprNameDepth(n *sitter.Node, depth int) (string, bool) {
	if n == nil || depth > 64 {
		return "", false
	}
	switch x.kind(n) {
	case "identifier":
		return x.resolve(x.text(n)), true
	case "attribute", "member_expression", "selector_expression", "field_access":
		t := x.text(n)
		if strings.ContainsAny(t, "()[]") {
			return "", false
		}
		name := x.resolve(normCallee(t))
		for _, p := range globalPrefixes {
			name = strings.TrimPrefix(name, p)
		}
		return name, true
	case "subscript_expression":
		obj, ok := x.exprNameDepth(n.ChildByFieldName("object"), depth+1)
		if !ok {
			return "", false
		}
		idx, ok := x.fold(n.ChildByFieldName("index"))
		if !ok {
			return "", false
		}
		name := obj + "." + idx
		for _, p := range globalPrefixes {
			name = strings.TrimPrefix(name, p)
		}
		return name, true
	}
	return "", false
}

// moduleOf returns the module a dynamic import call loads: require(m),
// import(m), __import__(m), importlib.import_module(m), with m folded.
// built is set when m was assembled from pieces.
func (x *extractor) moduleOf(n *sitter.Node) (mod string, built, ok bool) {
	if n == nil {
		return "", false, false
	}
	switch x.kind(n) {
	case "call", "call_expression":
	default:
		return "", false, false
	}
	fn := x.resolve(normCallee(x.text(n.ChildByFieldName("function"))))
	switch fn {
	case "require", "import", "__import__", "importlib.import_module", "builtins.__import__":
	default:
		return "", false, false
	}
	args := n.ChildByFieldName("arguments")
	if args == nil || args.NamedChildCount() == 0 {
		return "", false, false
	}
	a := args.NamedChild(0)
	m, ok := x.fold(a)
	if !ok {
		return "", false, false
	}
	_, b := x.built(a)
	return jsModule(m), b, true
}

// bindAlias records `name = <reference>` and `name = <dynamic import>`
// so later calls through name resolve: e = os.system; m =
// __import__("o" + "s"); f = globalThis["fe" + "tch"].
func (x *extractor) bindAlias(name, value *sitter.Node) {
	if name == nil || value == nil {
		return
	}
	if k := x.kind(value); k == "expression_list" && value.NamedChildCount() == 1 {
		value = value.NamedChild(0)
	}
	if k := x.kind(name); k == "expression_list" && name.NamedChildCount() == 1 {
		name = name.NamedChild(0)
	}
	if x.kind(value) == "await_expression" && value.NamedChildCount() > 0 {
		value = value.NamedChild(0)
	}
	if x.kind(name) != "identifier" {
		return
	}
	local := x.text(name)
	if mod, _, ok := x.moduleOf(value); ok {
		x.aliases[local] = mod
		return
	}
	if ref, ok := x.exprName(value); ok && ref != local && len(classify(x.lang, ref)) > 0 {
		x.aliases[local] = ref
	}
}

// computedCall reports calls whose target name is assembled from pieces:
// getattr(m, "sys" + "tem")(…), m["exe" + "cSync"](…), require("child" +
// "_process"), Class.forName("java.lang." + "Runtime"). Nothing
// legitimate needs to hide a constant name this way.
func (x *extractor) computedCall(n *sitter.Node) {
	var piece *sitter.Node
	switch x.kind(n) {
	case "call", "call_expression":
		fn := n.ChildByFieldName("function")
		switch {
		case fn == nil:
		case x.kind(fn) == "subscript_expression":
			piece = fn.ChildByFieldName("index")
		case x.kind(fn) == "call" && x.text(fn.ChildByFieldName("function")) == "getattr":
			if a := fn.ChildByFieldName("arguments"); a != nil && a.NamedChildCount() >= 2 {
				piece = a.NamedChild(1)
			}
		}
		if _, built, ok := x.moduleOf(n); ok && built {
			piece = n.ChildByFieldName("arguments").NamedChild(0)
		}
		if x.kind(n) == "call" && x.text(n.ChildByFieldName("function")) == "getattr" {
			if a := n.ChildByFieldName("arguments"); a != nil && a.NamedChildCount() >= 2 {
				piece = a.NamedChild(1)
			}
		}
	case "method_invocation":
		switch x.text(n.ChildByFieldName("name")) {
		case "forName", "getMethod", "getDeclaredMethod", "loadClass", "getField":
			if a := n.ChildByFieldName("arguments"); a != nil && a.NamedChildCount() > 0 {
				piece = a.NamedChild(0)
			}
		}
	}
	if piece == nil {
		return
	}
	v, ok := x.built(piece)
	if !ok {
		return
	}
	x.add(n, CapObfuscation, v, "builds the name "+quoteShort(v)+" from pieces to hide what it calls", true)
	// a reflective lookup of a known class still uses its capability
	for _, c := range reflectedCaps(v) {
		x.add(n, c, v, "reaches "+v+" through reflection", c == CapProcess)
	}
}

// reflectedCaps maps class and member names reached by reflection to
// the capability they carry.
func reflectedCaps(name string) []Cap {
	base := name[strings.LastIndexByte(name, '.')+1:]
	switch {
	case base == "Runtime" || base == "ProcessBuilder" || base == "exec" || base == "system" || base == "popen" || base == "execSync" || base == "spawn":
		return []Cap{CapProcess}
	case base == "Socket" || base == "URL" || base == "HttpClient" || base == "fetch" || base == "socket":
		return []Cap{CapNetwork}
	case base == "ScriptEngineManager" || base == "eval":
		return []Cap{CapEval}
	}
	return nil
}

func quoteShort(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return `"` + s + `"`
}
