package prompt

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/airlockhq/airlock"
)

//go:embed rules/*.yaml
var ruleFS embed.FS

// Rule is one signature: a regular expression over normalised text (lower
// case, whitespace collapsed), run only near one of its keywords.
type Rule struct {
	ID       string           `yaml:"id"`
	Category string           `yaml:"-"`
	Severity airlock.Severity `yaml:"severity"`
	Message  string           `yaml:"message"`
	Keywords []string         `yaml:"keywords"`
	Pattern  string           `yaml:"pattern"`
	// ContextOnly rules describe text that is normal from the user but an
	// attack inside content the agent reads ("run this command").
	ContextOnly bool `yaml:"context_only"`
	// EmbeddedOnly rules apply only inside a document quoted by a prompt
	// ("write an e-mail from this resume: '…'"): phrasing that is ordinary
	// in prose anywhere else ("let's say …") but, inside material handed
	// over to be processed, talks to whoever processes it.
	EmbeddedOnly bool `yaml:"embedded_only"`
	// NotInAgentFiles rules describe how the assistant should answer
	// ("in your responses, be concise"), which is exactly what agent
	// instruction files legitimately say; `airlock scan` skips them there.
	NotInAgentFiles bool `yaml:"not_in_agent_files"`
	// Before and Window are how many bytes before and after a keyword
	// the pattern may span (defaults 80 and 200).
	Before int `yaml:"before"`
	Window int `yaml:"window"`
	// Multiline lets the pattern span lines; other rules only see the
	// line around the keyword, which keeps benign text cheap.
	Multiline bool `yaml:"multiline"`
	Examples  struct {
		Match   []string `yaml:"match"`
		NoMatch []string `yaml:"no_match"`
	} `yaml:"examples"`

	re *regexp.Regexp
	// anch is the pattern anchored at its start, for rules whose match
	// begins at (or within Before bytes of) the keyword: an anchored
	// attempt stops as soon as the text stops fitting, far cheaper than an
	// unanchored search of the window.
	anch *regexp.Regexp
	// The pattern is parsed at load (so a bad one is reported there) but
	// compiled when its keyword first appears: most texts wake few rules,
	// and compiling all of them was most of a cold start.
	src      string
	anchored bool
	once     sync.Once
}

// compiled returns the rule's expression and whether it is the anchored
// form.
func (r *Rule) compiled() (*regexp.Regexp, bool) {
	r.once.Do(func() {
		if r.anchored {
			r.anch = regexp.MustCompile(r.src)
		} else {
			r.re = regexp.MustCompile(r.src)
		}
	})
	if r.anchored {
		return r.anch, true
	}
	return r.re, false
}

// maxAnchoredBefore is the largest Before for which rules are matched by
// anchored attempts at each position up to the keyword.
const maxAnchoredBefore = 10

type ruleFile struct {
	Category string  `yaml:"category"`
	Rules    []*Rule `yaml:"rules"`
}

// RuleSet is a loaded, validated set of signatures.
type RuleSet struct {
	Rules  []*Rule
	kw     *matcher
	kwRule [][]int // keyword id → rules that list it
}

// DefaultRules returns the built-in signatures (rules/*.yaml), loaded once.
var DefaultRules = sync.OnceValues(func() (*RuleSet, error) { return LoadRules(ruleFS) })

// LoadRules reads every *.yaml file under rules/ in fsys. It checks ids,
// severities, keywords and patterns; CheckExamples checks the examples.
func LoadRules(fsys fs.FS) (*RuleSet, error) {
	names, err := fs.Glob(fsys, "rules/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	sort.Strings(names)
	rs := &RuleSet{}
	seen := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		var rf ruleFile
		if err := yaml.Unmarshal(b, &rf); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		if rf.Category == "" {
			return nil, fmt.Errorf("%s: missing category", name)
		}
		for i, r := range rf.Rules {
			r.Category = rf.Category
			if err := r.compile(); err != nil {
				return nil, fmt.Errorf("%s: rule %d (%s): %w", path.Base(name), i, r.ID, err)
			}
			if other, dup := seen[r.ID]; dup {
				return nil, fmt.Errorf("%s: rule id %s already defined in %s", name, r.ID, other)
			}
			seen[r.ID] = name
			rs.Rules = append(rs.Rules, r)
		}
	}
	if len(rs.Rules) == 0 {
		return nil, fmt.Errorf("no rules found")
	}
	rs.index()
	return rs, nil
}

func (r *Rule) compile() error {
	if r.ID == "" || strings.ContainsAny(r.ID, " \t\n") {
		return fmt.Errorf("bad id %q", r.ID)
	}
	if strings.TrimSpace(r.Message) == "" {
		return fmt.Errorf("empty message")
	}
	if len(r.Keywords) == 0 {
		return fmt.Errorf("no keywords: every rule needs keywords for the prefilter")
	}
	for _, k := range r.Keywords {
		if strings.TrimSuffix(k, "*") == "" || k != strings.ToLower(k) {
			return fmt.Errorf("keyword %q must be non-empty lower case (text is normalised to lower case)", k)
		}
	}
	if r.Window == 0 {
		r.Window = 200
	}
	if r.Before == 0 {
		r.Before = 80
	}
	// "^" would match at every window start; the text is matched behind a
	// line break instead (see Match).
	pat := strings.ReplaceAll(r.Pattern, "(^|\\n)", "(\\n)")
	// Only one form is compiled, on first use: start-up time is mostly
	// regexp compilation.
	r.anchored = r.Before <= maxAnchoredBefore
	r.src = pat
	if r.anchored {
		r.src = `^(?:` + pat + `)`
	}
	if _, err := syntax.Parse(r.src, syntax.Perl); err != nil {
		return fmt.Errorf("pattern: %w", err)
	}
	return nil
}

func (rs *RuleSet) index() {
	ids := map[string]int{}
	var kws []string
	for ri, r := range rs.Rules {
		for _, k := range r.Keywords {
			id, ok := ids[k]
			if !ok {
				id = len(kws)
				ids[k] = id
				kws = append(kws, k)
				rs.kwRule = append(rs.kwRule, nil)
			}
			rs.kwRule[id] = append(rs.kwRule[id], ri)
		}
	}
	rs.kw = newMatcher(kws)
}

// Match is a signature match in normalised text.
type Match struct {
	Rule       *Rule
	Start, End int // byte offsets in the normalised text
}

// Match runs the signatures over normalised text t. With context false,
// rules that only apply to untrusted content are skipped.
//
// Each rule's pattern runs only on a window around its keyword hits
// (Before bytes before, Window bytes after), which keeps the cost on
// benign text close to one Aho-Corasick pass. Patterns written with
// "(^|\n)" see the text as if it began with a line break, so the anchor
// means a line start even inside a window.
func (rs *RuleSet) Match(t string, context bool) []Match {
	return rs.match(t, matchMode{context: context})
}

// matchMode selects the rules a text gets.
type matchMode struct {
	context  bool // untrusted content: context_only rules too
	embedded bool // a document quoted by a prompt: embedded_only rules too
	agent    bool // an agent instruction file: no not_in_agent_files rules
}

func (rs *RuleSet) match(t string, mode matchMode) []Match {
	type span struct{ a, b int }
	var windows map[int][]span
	var out []Match
	lastAnch := map[int]int{}
	rs.kw.find(t, func(h hit) {
		for _, ri := range rs.kwRule[h.kw] {
			r := rs.Rules[ri]
			if (r.ContextOnly && !mode.context) || (r.EmbeddedOnly && !mode.embedded) || (r.NotInAgentFiles && mode.agent) {
				continue
			}
			hs := h.end - len(rs.kw.kw[h.kw])
			a, b := max(hs-r.Before, 0), min(h.end+r.Window, len(t))
			if !r.Multiline {
				if nl := strings.LastIndexByte(t[a:hs], '\n'); nl >= 0 {
					a += nl + 1
				}
				if nl := strings.IndexByte(t[h.end:b], '\n'); nl >= 0 {
					b = h.end + nl
				}
			}
			if r.anchored {
				if last, ok := lastAnch[ri]; ok && hs < last {
					continue
				}
				anch, _ := r.compiled()
				for p := a; p <= hs; p++ {
					if loc := anch.FindStringIndex(t[p:b]); loc != nil && loc[1] > 0 {
						s, e := trimSpan(t, p, p+loc[1])
						out = append(out, Match{Rule: r, Start: s, End: e})
						lastAnch[ri] = p + loc[1]
						break
					}
				}
				continue
			}
			if windows == nil {
				windows = map[int][]span{}
			}
			ws := windows[ri]
			if n := len(ws); n > 0 && a <= ws[n-1].b {
				ws[n-1].b = max(ws[n-1].b, b)
			} else {
				ws = append(ws, span{a, b})
			}
			windows[ri] = ws
		}
	})
	if len(windows) == 0 {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
		return out
	}
	// t1 is t behind a line break; offsets in t1 are one more than in t.
	t1 := "\n" + t
	for ri := range rs.Rules {
		ws := windows[ri]
		last := -1
		for _, w := range ws {
			a, b := max(w.a, 0), min(w.b, len(t))
			// Window [a,b) of t is [a+1,b+1) of t1; start one byte early so a
			// line break just before the window is seen.
			re, _ := rs.Rules[ri].compiled()
			for _, m := range re.FindAllStringIndex(t1[a:b+1], -1) {
				s, e := a+m[0]-1, a+m[1]-1
				if s < last {
					continue
				}
				s, e = trimSpan(t, max(s, 0), e)
				out = append(out, Match{Rule: rs.Rules[ri], Start: s, End: e})
				last = a + m[1] - 1
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// CheckExamples runs every rule's examples through the normaliser and its
// own pattern: each "match" example must match and no "no_match" example
// may. It returns one error per failure.
func (rs *RuleSet) CheckExamples() []error {
	var errs []error
	for _, r := range rs.Rules {
		if len(r.Examples.Match) == 0 {
			errs = append(errs, fmt.Errorf("%s: no match examples", r.ID))
		}
		one := &RuleSet{Rules: []*Rule{r}}
		one.index()
		for _, ex := range r.Examples.Match {
			if len(one.match(Normalize(ex).Text, matchMode{context: true, embedded: true})) == 0 {
				errs = append(errs, fmt.Errorf("%s: example does not match: %q", r.ID, ex))
			}
		}
		for _, ex := range r.Examples.NoMatch {
			if ms := one.match(Normalize(ex).Text, matchMode{context: true, embedded: true}); len(ms) > 0 {
				errs = append(errs, fmt.Errorf("%s: no_match example matches: %q", r.ID, ex))
			}
		}
	}
	return errs
}

// trimSpan drops the whitespace a pattern may swallow at its ends.
func trimSpan(t string, s, e int) (int, int) {
	for s < e && (t[s] == ' ' || t[s] == '\n') {
		s++
	}
	for e > s && (t[e-1] == ' ' || t[e-1] == '\n') {
		e--
	}
	return s, e
}
