package scan

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	celparser "cel.dev/cel-go/parser"

	"github.com/airlockhq/airlock/scan/lang"
	"github.com/airlockhq/airlock/scan/pattern"
)

// Semgrep writes metavariable-comparison in Python syntax; it is rewritten
// into CEL, which evaluates it.
var (
	cmpMV     = regexp.MustCompile(`\$([A-Z_][A-Z0-9_]*)`)
	cmpPyInt  = regexp.MustCompile(`\b0[oObBxX][0-9a-fA-F_]+\b`)
	cmpWord   = regexp.MustCompile(`\b(and|or|not|True|False|str)\b`)
	cmpWordTo = map[string]string{"and": "&&", "or": "||", "not": "!", "True": "true", "False": "false", "str": "string"}
	cmpIntLit = regexp.MustCompile(`^[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)[lLuU]*$`)
)

// comparison is a metavariable-comparison, rewritten into CEL when the
// rule loads and compiled on first use: building a CEL environment costs
// about a millisecond, which a hook process would pay for every rule with
// a comparison whether or not its file reaches it. Rule.compileAll (run by
// LoadRules and by the built-in packs' test) compiles it up front, so a
// user's type errors are reported when the rules load too; syntax errors
// already are when the rule is parsed.
type comparison struct {
	expr  string   // as written
	where string   // file:line
	src   string   // rewritten into CEL
	vars  []string // metavariable names without '$'
	strip bool
	base  int
	once  sync.Once
	prog  cel.Program
	err   error
}

func compileComparison(expr string, strip bool, base int, check bool) (*comparison, error) {
	c := &comparison{expr: expr, strip: strip, base: base}
	seen := map[string]bool{}
	for _, m := range cmpMV.FindAllStringSubmatch(expr, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			c.vars = append(c.vars, m[1])
		}
	}
	c.src = outsideStrings(expr, func(code string) string {
		code = cmpMV.ReplaceAllString(code, "mv_$1")
		code = cmpPyInt.ReplaceAllStringFunc(code, func(lit string) string {
			n, ok := parseInt(lit, 0)
			if !ok {
				return lit
			}
			return n.String()
		})
		return cmpWord.ReplaceAllStringFunc(code, func(w string) string { return cmpWordTo[w] })
	})
	// The parser alone (no environment) finds syntax errors, so they are
	// still reported with the rule file's line when the rules load.
	if !check {
		return c, nil
	}
	ps, err := celparser.NewParser()
	if err != nil {
		return nil, fmt.Errorf("comparison: %w", err)
	}
	if _, errs := ps.Parse(common.NewTextSource(c.src)); errs != nil && len(errs.GetErrors()) > 0 {
		return nil, fmt.Errorf("comparison %q: %s", expr, errs.GetErrors()[0].Message)
	}
	return c, nil
}

// program compiles the comparison once.
func (c *comparison) program() (cel.Program, error) {
	c.once.Do(func() {
		var opts []cel.EnvOption
		for _, v := range c.vars {
			opts = append(opts, cel.Variable("mv_"+v, cel.DynType))
		}
		env, err := cel.NewEnv(opts...)
		if err != nil {
			c.err = fmt.Errorf("comparison: %w", err)
			return
		}
		ast, iss := env.Compile(c.src)
		if iss != nil && iss.Err() != nil {
			c.err = fmt.Errorf("comparison %q: %w", c.expr, iss.Err())
			return
		}
		if ast.OutputType() != cel.BoolType && ast.OutputType() != cel.DynType {
			c.err = fmt.Errorf("comparison %q is not a boolean expression", c.expr)
			return
		}
		c.prog, c.err = env.Program(ast)
		if c.err != nil {
			c.err = fmt.Errorf("comparison %q: %w", c.expr, c.err)
		}
	})
	return c.prog, c.err
}

// outsideStrings applies fn to the parts of expr outside quoted strings.
func outsideStrings(expr string, fn func(string) string) string {
	var b strings.Builder
	start := 0
	for i := 0; i < len(expr); i++ {
		q := expr[i]
		if q != '"' && q != '\'' {
			continue
		}
		b.WriteString(fn(expr[start:i]))
		j := i + 1
		for j < len(expr) && expr[j] != q {
			if expr[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(expr) {
			j = len(expr) - 1
		}
		b.WriteString(expr[i : j+1])
		i, start = j, j+1
	}
	b.WriteString(fn(expr[start:]))
	return b.String()
}

// holds evaluates the comparison for one match; a metavariable that is
// unbound, or an expression that fails (comparing a string with a number),
// makes it false.
func (c *comparison) holds(prog cel.Program, l *lang.Language, src []byte, b *pattern.Bindings) bool {
	vars := map[string]any{}
	for _, v := range c.vars {
		x, ok := b.Lookup(v)
		if !ok {
			return false
		}
		vars["mv_"+v] = c.value(l, x, src)
	}
	out, _, err := prog.Eval(vars)
	if err != nil {
		return false
	}
	ok, isBool := out.Value().(bool)
	return isBool && ok
}

// value turns bound code into a number when it is a numeric literal and
// into a string otherwise (string literals lose their quotes).
func (c *comparison) value(l *lang.Language, x *pattern.Bindings, src []byte) any {
	text := strings.TrimSpace(x.Text(src))
	isStr := len(x.Nodes) == 1 && l.IsString(x.Nodes[0].Kind)
	if isStr {
		text = lang.StringContent(text)
		if !c.strip {
			return text
		}
	}
	if n, ok := parseInt(text, c.base); ok && n.IsInt64() {
		return n.Int64()
	}
	if f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64); err == nil {
		return f
	}
	return text
}

// parseInt reads integer literals as Python, Go, Java and JavaScript write
// them: 0x/0o/0b prefixes, a leading-0 octal, '_' separators, L/U suffixes.
func parseInt(s string, base int) (*big.Int, bool) {
	s = strings.TrimSpace(s)
	if base == 0 && !cmpIntLit.MatchString(s) {
		return nil, false
	}
	s = strings.TrimRight(strings.ReplaceAll(s, "_", ""), "lLuU")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	b := base
	if b == 0 {
		switch {
		case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
			b, s = 16, s[2:]
		case len(s) > 2 && (s[:2] == "0o" || s[:2] == "0O"):
			b, s = 8, s[2:]
		case len(s) > 2 && (s[:2] == "0b" || s[:2] == "0B"):
			b, s = 2, s[2:]
		case len(s) > 1 && s[0] == '0':
			b, s = 8, s[1:]
		default:
			b = 10
		}
	}
	n, ok := new(big.Int).SetString(s, b)
	if !ok {
		return nil, false
	}
	if neg {
		n.Neg(n)
	}
	return n, true
}
