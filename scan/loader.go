package scan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/scan/lang"
	"github.com/airlockhq/airlock/scan/pattern"
)

var (
	cweID    = regexp.MustCompile(`(?i)^\s*CWE-(\d+)`)
	mvToken  = regexp.MustCompile(`^\$[A-Z_][A-Z0-9_]*$`)
	mvInText = regexp.MustCompile(`\$(?:\.\.\.)?[A-Z_][A-Z0-9_]*`)
)

// LoadRules reads rules from YAML files or directories of them (.yaml,
// .yml; test files next to them are ignored). Patterns are compiled for
// every language each rule lists, so mistakes surface here with file:line
// rather than in the middle of a scan.
func LoadRules(paths ...string) ([]*Rule, error) {
	var all []*Rule
	for _, p := range paths {
		files, err := ruleFiles(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("read rules: %w", err)
			}
			rs, err := ParseRules(f, data)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				if err := r.compileAll(); err != nil {
					return nil, err
				}
			}
			all = append(all, rs...)
		}
	}
	if err := checkUnique(all); err != nil {
		return nil, err
	}
	return all, nil
}

func ruleFiles(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isRuleFile(path) {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	sort.Strings(out)
	return out, nil
}

func isRuleFile(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

func checkUnique(rs []*Rule) error {
	seen := map[string]string{}
	for _, r := range rs {
		if prev, ok := seen[r.ID]; ok {
			return fmt.Errorf("%s: rule id %q already defined at %s", r.Source, r.ID, prev)
		}
		seen[r.ID] = r.Source
	}
	return nil
}

// ParseRules parses one YAML rule file. name is used in error messages.
// Patterns are not compiled (see Engine).
func ParseRules(name string, data []byte) ([]*Rule, error) {
	return parseRules(name, data, true)
}

// parseRules parses a rule file. Without check, regexes and comparisons
// are not syntax-checked until first use: the built-in packs take that
// path, since TestBuiltinCompilesForAllLanguages compiles all of them, and
// checking cost a hook process about 0.7 ms.
func parseRules(name string, data []byte, check bool) ([]*Rule, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty rule file", name)
		}
		return nil, fmt.Errorf("%s: invalid YAML: %w", name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty rule file", name)
	}
	root := doc.Content[0]
	p := &parser{file: name, check: check}
	if root.Kind != yaml.MappingNode {
		return nil, p.errf(root, "a rule file is a mapping with a rules: list")
	}
	var rules []*Rule
	found := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "rules" {
			return nil, p.errf(k, "unsupported key %q (a rule file has only rules:)", k.Value)
		}
		found = true
		if v.Kind != yaml.SequenceNode {
			return nil, p.errf(v, "rules: must be a list")
		}
		for _, rn := range v.Content {
			r, err := p.rule(rn)
			if err != nil {
				return nil, err
			}
			rules = append(rules, r)
		}
	}
	if !found {
		return nil, p.errf(root, "no rules: key")
	}
	return rules, nil
}

type parser struct {
	file  string
	check bool // syntax-check regexes and comparisons now (parseRules)
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, n.Line, fmt.Sprintf(format, args...))
}

func (p *parser) where(n *yaml.Node) string { return fmt.Sprintf("%s:%d", p.file, n.Line) }

// Keys Semgrep has that this engine does not implement; naming them in the
// error saves the user a trip to the docs.
var knownUnsupported = map[string]bool{
	"mode": true, "pattern-sources": true, "pattern-sinks": true, "pattern-sanitizers": true,
	"pattern-propagators": true, "options": true, "fix-regex": true,
	"min-version": true, "max-version": true,
	"metavariable-analysis": true, "pattern-where-python": true, "match": true,
	"join": true, "extract": true, "dest-language": true, "dest-rules": true, "product": true,
}

func (p *parser) unsupported(k *yaml.Node, where string) error {
	if knownUnsupported[k.Value] {
		return p.errf(k, "unsupported key %q in %s: Airlock implements a subset of Semgrep's rule syntax (see docs/rules.md)", k.Value, where)
	}
	return p.errf(k, "unsupported key %q in %s", k.Value, where)
}

func (p *parser) rule(n *yaml.Node) (*Rule, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, "each rule must be a mapping")
	}
	r := &Rule{Source: p.where(n), Severity: airlock.Medium}
	var formulas []*formula
	var sevNode, msgNode, langNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "id":
			r.ID = strings.TrimSpace(v.Value)
		case "message":
			r.Message = strings.TrimSpace(v.Value)
			msgNode = v
		case "severity":
			sevNode = v
			s, err := airlock.ParseSeverity(v.Value)
			if err != nil {
				return nil, p.errf(v, "%v", err)
			}
			r.Severity = s
		case "languages":
			langNode = v
			names, err := p.strings(v)
			if err != nil {
				return nil, err
			}
			for _, name := range names {
				l := lang.Lookup(name)
				if l == nil {
					return nil, p.errf(v, "unsupported language %q (supported: %s)", name, langNames())
				}
				r.Languages = appendUnique(r.Languages, l.Name)
				if l == lang.TypeScript {
					r.Languages = appendUnique(r.Languages, lang.TSX.Name)
				}
			}
		case "metadata":
			if err := p.metadata(r, v); err != nil {
				return nil, err
			}
		case "fix":
			r.Fix = v.Value
		case "paths":
			pf, err := p.paths(v)
			if err != nil {
				return nil, err
			}
			r.paths = pf
		case "pattern", "patterns", "pattern-either", "pattern-regex":
			f, err := p.formula(k, v)
			if err != nil {
				return nil, err
			}
			if f.op == opEither {
				for _, s := range f.subs {
					if s.inside {
						return nil, p.errf(v, "pattern-inside needs a patterns: list to be inside of")
					}
				}
			}
			formulas = append(formulas, f)
		default:
			return nil, p.unsupported(k, "a rule")
		}
	}
	switch {
	case r.ID == "":
		return nil, p.errf(n, "rule has no id")
	case strings.ContainsAny(r.ID, " \t\n,"):
		return nil, p.errf(n, "rule id %q contains spaces or commas", r.ID)
	case msgNode == nil || r.Message == "":
		return nil, p.errf(n, "rule %s has no message", r.ID)
	case sevNode == nil:
		return nil, p.errf(n, "rule %s has no severity", r.ID)
	case langNode == nil || len(r.Languages) == 0:
		return nil, p.errf(n, "rule %s has no languages", r.ID)
	case len(formulas) == 0:
		return nil, p.errf(n, "rule %s has none of pattern, patterns, pattern-either, pattern-regex", r.ID)
	case len(formulas) > 1:
		return nil, p.errf(n, "rule %s has more than one of pattern, patterns, pattern-either, pattern-regex", r.ID)
	}
	r.formula = formulas[0]
	if r.Fix != "" {
		bound := map[string]bool{}
		r.formula.metavariables(bound)
		for _, mv := range mvInText.FindAllString(r.Fix, -1) {
			if !bound[strings.TrimPrefix(mv[1:], "...")] {
				return nil, p.errf(n, "rule %s: fix uses %s, which no pattern binds", r.ID, mv)
			}
		}
	}
	return r, nil
}

// metavariables collects the names ($X without '$') the formula's patterns
// mention.
func (f *formula) metavariables(out map[string]bool) {
	if f == nil {
		return
	}
	for _, m := range mvInText.FindAllString(f.pattern, -1) {
		out[strings.TrimPrefix(m[1:], "...")] = true
	}
	for _, s := range f.subs {
		s.metavariables(out)
	}
	for _, t := range f.terms {
		if t.kind != termNot && t.kind != termNotInside {
			t.f.metavariables(out)
		}
	}
}

func langNames() string {
	var s []string
	for _, l := range lang.All() {
		s = append(s, l.Name)
	}
	return strings.Join(s, ", ")
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func (p *parser) strings(v *yaml.Node) ([]string, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		return []string{v.Value}, nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range v.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, p.errf(c, "expected a string")
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, p.errf(v, "expected a string or a list of strings")
}

func (p *parser) paths(v *yaml.Node) (*pathFilter, error) {
	if v.Kind != yaml.MappingNode {
		return nil, p.errf(v, "paths must be a mapping with include and/or exclude")
	}
	pf := &pathFilter{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		list, err := p.strings(val)
		if err != nil {
			return nil, err
		}
		for _, g := range list {
			if _, err := path.Match(strings.Trim(g, "/"), ""); err != nil {
				return nil, p.errf(val, "bad glob %q: %v", g, err)
			}
		}
		switch k.Value {
		case "include":
			pf.include = append(pf.include, list...)
		case "exclude":
			pf.exclude = append(pf.exclude, list...)
		default:
			return nil, p.unsupported(k, "paths")
		}
	}
	return pf, nil
}

func (p *parser) metadata(r *Rule, v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return p.errf(v, "metadata must be a mapping")
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		switch k.Value {
		case "cwe":
			list, err := p.strings(val)
			if err != nil {
				return err
			}
			for _, c := range list {
				m := cweID.FindStringSubmatch(c)
				if m == nil {
					return p.errf(val, "cwe %q does not start with CWE-<number>", c)
				}
				r.CWE = append(r.CWE, "CWE-"+m[1])
			}
		case "owasp":
			list, err := p.strings(val)
			if err != nil {
				return err
			}
			r.OWASP = append(r.OWASP, list...)
		case "references":
			list, err := p.strings(val)
			if err != nil {
				return err
			}
			r.References = append(r.References, list...)
		case "confidence":
			switch c := strings.ToLower(strings.TrimSpace(val.Value)); c {
			case "low", "medium", "high":
				r.Confidence = airlock.Confidence(c)
			default:
				return p.errf(val, "confidence %q is not LOW, MEDIUM or HIGH", val.Value)
			}
		}
		// Other metadata keys (category, subcategory, likelihood, …) are
		// free-form and kept out of findings.
	}
	return nil
}

// formula parses a pattern-ish key and its value.
func (p *parser) formula(k, v *yaml.Node) (*formula, error) {
	switch k.Value {
	case "pattern":
		if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
			return nil, p.errf(v, "pattern must be a non-empty string")
		}
		return &formula{op: opPattern, pattern: v.Value, where: p.where(v)}, nil
	case "pattern-regex":
		re, err := p.regex(v)
		if err != nil {
			return nil, err
		}
		return &formula{op: opRegex, re: re, where: p.where(v)}, nil
	case "pattern-either":
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			return nil, p.errf(v, "pattern-either must be a non-empty list")
		}
		f := &formula{op: opEither, where: p.where(v)}
		for _, item := range v.Content {
			sub, err := p.single(item, "pattern-either")
			if err != nil {
				return nil, err
			}
			f.subs = append(f.subs, sub)
		}
		return f, nil
	case "patterns":
		return p.patterns(v)
	}
	return nil, p.unsupported(k, "a pattern")
}

// single parses a one-key mapping holding a positive formula.
func (p *parser) single(item *yaml.Node, where string) (*formula, error) {
	if item.Kind != yaml.MappingNode || len(item.Content) != 2 {
		return nil, p.errf(item, "each %s item must be a mapping with one key", where)
	}
	k, v := item.Content[0], item.Content[1]
	switch k.Value {
	case "pattern", "patterns", "pattern-either", "pattern-regex":
		return p.formula(k, v)
	case "pattern-inside":
		if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
			return nil, p.errf(v, "pattern-inside must be a non-empty pattern string")
		}
		return &formula{op: opPattern, pattern: v.Value, where: p.where(v), inside: true}, nil
	}
	return nil, p.unsupported(k, where)
}

// insideEither reports whether f is a pattern-either of pattern-inside
// items only (a disjunction of contexts); mixing them with plain patterns
// has no clear meaning and is an error.
func (p *parser) insideEither(f *formula, n *yaml.Node) (bool, error) {
	if f.op != opEither {
		return false, nil
	}
	inside := 0
	for _, s := range f.subs {
		if s.inside {
			inside++
		}
	}
	switch {
	case inside == 0:
		return false, nil
	case inside < len(f.subs):
		return false, p.errf(n, "pattern-either mixes pattern-inside with other patterns; split it into two terms")
	}
	return true, nil
}

func (p *parser) regex(v *yaml.Node) (*rx, error) {
	if v.Kind != yaml.ScalarNode || v.Value == "" {
		return nil, p.errf(v, "regex must be a non-empty string")
	}
	re, err := newRx(v.Value, p.check)
	if err != nil {
		return nil, p.errf(v, "invalid regex (Go RE2 syntax): %v", err)
	}
	return re, nil
}

func (p *parser) patterns(v *yaml.Node) (*formula, error) {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return nil, p.errf(v, "patterns must be a non-empty list")
	}
	f := &formula{op: opAll, where: p.where(v)}
	positive := false
	for _, item := range v.Content {
		if item.Kind != yaml.MappingNode || len(item.Content) != 2 {
			return nil, p.errf(item, "each patterns item must be a mapping with one key")
		}
		k, val := item.Content[0], item.Content[1]
		var t term
		switch k.Value {
		case "pattern", "patterns", "pattern-either", "pattern-regex":
			sub, err := p.formula(k, val)
			if err != nil {
				return nil, err
			}
			t = term{kind: termPos, f: sub}
			inside, err := p.insideEither(sub, val)
			if err != nil {
				return nil, err
			}
			if inside {
				t.kind = termInside
			}
			positive = true
		case "pattern-inside", "pattern-not", "pattern-not-inside":
			if val.Kind != yaml.ScalarNode || strings.TrimSpace(val.Value) == "" {
				return nil, p.errf(val, "%s must be a non-empty pattern string", k.Value)
			}
			sub := &formula{op: opPattern, pattern: val.Value, where: p.where(val)}
			t = term{kind: map[string]termKind{"pattern-inside": termInside, "pattern-not": termNot, "pattern-not-inside": termNotInside}[k.Value], f: sub}
			positive = positive || k.Value == "pattern-inside"
		case "pattern-not-regex":
			re, err := p.regex(val)
			if err != nil {
				return nil, err
			}
			t = term{kind: termNotRegex, re: re}
		case "metavariable-regex":
			mv, rest, err := p.metavariable(val, "metavariable-regex", "regex")
			if err != nil {
				return nil, err
			}
			re, err := p.regex(rest["regex"])
			if err != nil {
				return nil, err
			}
			// Semgrep anchors metavariable-regex at the start (Python re.match).
			re, err = newRx(`^(?:`+re.String()+`)`, p.check)
			if err != nil {
				return nil, p.errf(val, "invalid regex: %v", err)
			}
			t = term{kind: termMVRegex, mv: mv, re: re}
		case "metavariable-pattern":
			mv, rest, err := p.metavariable(val, "metavariable-pattern", "pattern", "patterns", "pattern-either", "pattern-regex", "language")
			if err != nil {
				return nil, err
			}
			t = term{kind: termMVPattern, mv: mv}
			if ln, ok := rest["language"]; ok {
				t.lang = lang.Lookup(ln.Value)
				if t.lang == nil {
					return nil, p.errf(ln, "unsupported language %q", ln.Value)
				}
			}
			var subs []*formula
			for i := 0; i+1 < len(val.Content); i += 2 {
				kk := val.Content[i]
				if kk.Value == "metavariable" || kk.Value == "language" {
					continue
				}
				sub, err := p.formula(kk, val.Content[i+1])
				if err != nil {
					return nil, err
				}
				subs = append(subs, sub)
			}
			if len(subs) != 1 {
				return nil, p.errf(val, "metavariable-pattern needs exactly one of pattern, patterns, pattern-either, pattern-regex")
			}
			t.f = subs[0]
		case "metavariable-comparison":
			if val.Kind != yaml.MappingNode {
				return nil, p.errf(val, "metavariable-comparison must be a mapping")
			}
			var expr *yaml.Node
			strip, base := false, 0
			for i := 0; i+1 < len(val.Content); i += 2 {
				kk, vv := val.Content[i], val.Content[i+1]
				switch kk.Value {
				case "metavariable":
					if !mvToken.MatchString(vv.Value) {
						return nil, p.errf(vv, "metavariable %q is not like $X", vv.Value)
					}
				case "comparison":
					expr = vv
				case "strip":
					strip = vv.Value == "true"
				case "base":
					b, err := strconv.Atoi(vv.Value)
					if err != nil || b < 2 || b > 36 {
						return nil, p.errf(vv, "base must be a number from 2 to 36")
					}
					base = b
				default:
					return nil, p.unsupported(kk, "metavariable-comparison")
				}
			}
			if expr == nil || strings.TrimSpace(expr.Value) == "" {
				return nil, p.errf(val, "metavariable-comparison has no comparison")
			}
			cmp, err := compileComparison(expr.Value, strip, base, p.check)
			if err != nil {
				return nil, p.errf(expr, "%v", err)
			}
			cmp.where = p.where(expr)
			t = term{kind: termMVCompare, cmp: cmp}
		case "focus-metavariable":
			names, err := p.strings(val)
			if err != nil {
				return nil, err
			}
			for _, name := range names {
				if !mvToken.MatchString(name) {
					return nil, p.errf(val, "focus-metavariable %q is not a metavariable like $X", name)
				}
				f.terms = append(f.terms, term{kind: termFocus, mv: name[1:]})
			}
			continue
		default:
			return nil, p.unsupported(k, "patterns")
		}
		f.terms = append(f.terms, t)
	}
	if !positive {
		return nil, p.errf(v, "patterns needs at least one positive term (pattern, pattern-either, patterns, pattern-regex or pattern-inside)")
	}
	return f, nil
}

// metavariable reads {metavariable: $X, ...} and returns the name without
// '$' and the other keys, which must be among allowed.
func (p *parser) metavariable(v *yaml.Node, where string, allowed ...string) (string, map[string]*yaml.Node, error) {
	if v.Kind != yaml.MappingNode {
		return "", nil, p.errf(v, "%s must be a mapping", where)
	}
	rest := map[string]*yaml.Node{}
	mv := ""
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if k.Value == "metavariable" {
			if !mvToken.MatchString(val.Value) {
				return "", nil, p.errf(val, "metavariable %q is not like $X", val.Value)
			}
			mv = val.Value[1:]
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a == k.Value
		}
		if !ok {
			return "", nil, p.unsupported(k, where)
		}
		rest[k.Value] = val
	}
	if mv == "" {
		return "", nil, p.errf(v, "%s has no metavariable", where)
	}
	if where == "metavariable-regex" && rest["regex"] == nil {
		return "", nil, p.errf(v, "metavariable-regex has no regex")
	}
	return mv, rest, nil
}

// compileAll compiles every pattern for every language the rule lists.
func (r *Rule) compileAll() error {
	for _, name := range r.Languages {
		if _, err := r.compile(lang.Lookup(name)); err != nil {
			return err
		}
	}
	return compileLazy(r.ID, r.formula)
}

// compileLazy compiles a formula's regexes and metavariable-comparisons,
// which scans otherwise compile on first use.
func compileLazy(id string, f *formula) error {
	if f == nil {
		return nil
	}
	if f.re != nil {
		if _, err := f.re.compiled(); err != nil {
			return fmt.Errorf("%s: rule %s: invalid regex: %w", f.where, id, err)
		}
	}
	for _, s := range f.subs {
		if err := compileLazy(id, s); err != nil {
			return err
		}
	}
	for _, t := range f.terms {
		if t.re != nil {
			if _, err := t.re.compiled(); err != nil {
				return fmt.Errorf("%s: rule %s: invalid regex: %w", f.where, id, err)
			}
		}
		if t.cmp != nil {
			if _, err := t.cmp.program(); err != nil {
				return fmt.Errorf("%s: rule %s: %w", t.cmp.where, id, err)
			}
		}
		if err := compileLazy(id, t.f); err != nil {
			return err
		}
	}
	return nil
}

// compiled holds a rule's patterns compiled for one language.
type compiled struct {
	rule *Rule
	lang *lang.Language
	pats map[*formula]*pattern.Pattern
	req  *requirement
}

func (r *Rule) compile(l *lang.Language) (*compiled, error) {
	c := &compiled{rule: r, lang: l, pats: map[*formula]*pattern.Pattern{}}
	if err := c.compileFormula(r.formula, l); err != nil {
		return nil, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	c.req = c.requirement(r.formula)
	return c, nil
}

func (c *compiled) compileFormula(f *formula, l *lang.Language) error {
	if f == nil {
		return nil
	}
	switch f.op {
	case opPattern:
		p, err := pattern.Compile(l, f.pattern)
		if err != nil {
			return fmt.Errorf("%s: %w", f.where, err)
		}
		c.pats[f] = p
	case opEither:
		for _, s := range f.subs {
			if err := c.compileFormula(s, l); err != nil {
				return err
			}
		}
	case opAll:
		for _, t := range f.terms {
			tl := l
			if t.lang != nil {
				tl = t.lang
			}
			if err := c.compileFormula(t.f, tl); err != nil {
				return err
			}
		}
	}
	return nil
}

// errNoLanguage is returned by Scan for a language no rule loader knows.
var errNoLanguage = errors.New("unsupported language")
