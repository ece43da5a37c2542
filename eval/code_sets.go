package eval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/airlockhq/airlock"
)

// codeCSE is one CyberSecEval instruct record (the fields scored).
type codeCSE struct {
	PromptID   json.RawMessage `json:"prompt_id"`
	CWE        string          `json:"cwe_identifier"`
	LineText   string          `json:"line_text"`
	OriginCode string          `json:"origin_code"`
	Language   string          `json:"language"`
}

// cyberSecEval scores recall on CyberSecEval's instruct sets: every
// snippet is insecure. Snippets are fragments, so parse errors are
// counted and their findings kept.
func (r *codeRun) cyberSecEval(ctx context.Context) error {
	for _, name := range []string{"instruct", "instruct-v2"} {
		p := r.dataPath("cyberseceval", name+".json")
		b, err := codeReadFile(p)
		if err != nil {
			return err
		}
		var recs []codeCSE
		if err := json.Unmarshal(b, &recs); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		set := "cyberseceval/" + name
		get := func(i int) (codeItem, error) {
			rec := recs[i]
			return codeItem{
				path: fmt.Sprintf("%s/%d%s", set, i, codeExt(rec.Language)),
				lang: codeEngineLang(rec.Language),
				src:  []byte(rec.OriginCode),
			}, nil
		}
		err = r.pool(ctx, len(recs), get, func(i int, it codeItem, o codeOutcome) {
			rec := recs[i]
			flagged, strict, located := codeStrict(o.findings, rec.OriginCode, rec.LineText, rec.CWE)
			r.mu.Lock()
			defer r.mu.Unlock()
			row := r.codeSetRow(set, rec.Language)
			row.Positives++
			row.TP += b2i(flagged)
			row.StrictTP += b2i(strict)
			if !strict {
				r.miss(row, i, fmt.Sprintf("prompt_id %s %s: %s", bytes.Trim(rec.PromptID, `"`), rec.CWE, codeClip(strings.TrimSpace(rec.LineText), 120)))
			}
			row.Located += b2i(located)
			row.CWETP += b2i(codeHasCWE(o.findings, rec.CWE))
			r.account(row, o)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// miss records a missed positive; finishSets keeps the first
// CodeOptions.Misses by sample order, so the list does not depend on
// which worker finished first. Callers hold r.mu.
func (r *codeRun) miss(row *CodeSet, order int, what string) {
	if r.opt.Misses > 0 {
		r.misses[row] = append(r.misses[row], codeMiss{order, what})
	}
}

type codeMiss struct {
	order int
	what  string
}

// account adds an outcome's cost to a row. Callers hold r.mu.
func (r *codeRun) account(row *CodeSet, o codeOutcome) {
	row.ParseErrors += b2i(o.parseError)
	row.Lines += o.lines
	row.CPUSeconds += o.dur.Seconds()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// codeGosecSample is one line of gosec_samples.jsonl.
type codeGosecSample struct {
	ID       string   `json:"id"`
	Rule     string   `json:"rule"`
	Expected int      `json:"expected_issues"`
	Files    []string `json:"files"`
}

// codeGosecRule describes a gosec rule id: what it checks, its CWE, and
// whether gosec needs type, SSA or taint information for it (those are
// reported apart, since a syntactic engine is not expected to match them).
type codeGosecRule struct {
	what       string
	cwe        string
	needsTypes bool
}

// codeGosecRules is written from gosec's public rule list (names and CWE
// numbers only).
var codeGosecRules = map[string]codeGosecRule{
	"G101": {"hard-coded credentials", "CWE-798", false},
	"G102": {"bind to all interfaces", "CWE-200", false},
	"G103": {"use of unsafe", "CWE-242", false},
	"G104": {"unchecked errors", "CWE-703", true},
	"G106": {"ssh InsecureIgnoreHostKey", "CWE-322", false},
	"G107": {"HTTP request to a variable URL", "CWE-88", false},
	"G108": {"pprof endpoint exposed", "CWE-200", false},
	"G109": {"Atoi result narrowed (integer overflow)", "CWE-190", true},
	"G110": {"decompression bomb", "CWE-409", false},
	"G111": {"http.Dir serving the root", "CWE-22", false},
	"G112": {"missing ReadHeaderTimeout (Slowloris)", "CWE-400", false},
	"G113": {"HTTP request smuggling (Transfer-Encoding with Content-Length)", "CWE-444", false},
	"G114": {"http serve without timeouts", "CWE-676", false},
	"G115": {"integer conversion overflow", "CWE-190", true},
	"G116": {"trojan source (bidirectional text characters)", "CWE-838", false},
	"G117": {"secret fields serialized (json.Marshal)", "CWE-200", false},
	"G118": {"context not propagated or cancel not called", "CWE-400", false},
	"G119": {"redirect policy forwards sensitive headers", "CWE-200", false},
	"G120": {"unbounded multipart form parsing", "CWE-400", false},
	"G121": {"CrossOriginProtection bypass too broad", "CWE-942", false},
	"G122": {"file race in filepath.Walk callbacks (TOCTOU)", "CWE-367", false},
	"G123": {"TLS resumption skips VerifyPeerCertificate", "CWE-295", false},
	"G124": {"insecure cookie attributes", "CWE-614", false},
	"G201": {"SQL built with format string", "CWE-89", false},
	"G202": {"SQL built by concatenation", "CWE-89", false},
	"G203": {"unescaped HTML template data", "CWE-79", false},
	"G204": {"subprocess with variable arguments", "CWE-78", false},
	"G301": {"directory created with loose permissions", "CWE-276", false},
	"G302": {"chmod with loose permissions", "CWE-276", false},
	"G303": {"predictable temporary file", "CWE-377", false},
	"G304": {"file path from a variable", "CWE-22", false},
	"G305": {"zip slip", "CWE-22", false},
	"G306": {"file written with loose permissions", "CWE-276", false},
	"G307": {"deferred Close error ignored", "CWE-703", true},
	"G401": {"weak hash (MD5/SHA-1)", "CWE-328", false},
	"G402": {"TLS verification off or old TLS", "CWE-295", false},
	"G403": {"RSA key shorter than 2048 bits", "CWE-326", false},
	"G404": {"math/rand for security", "CWE-338", false},
	"G405": {"weak cipher (DES/RC4)", "CWE-327", false},
	"G406": {"weak hash (MD4/RIPEMD-160)", "CWE-328", false},
	"G407": {"hard-coded nonce or IV", "CWE-1204", true},
	"G408": {"stateful ssh PublicKeyCallback", "CWE-287", true},
	"G501": {"import crypto/md5", "CWE-327", false},
	"G502": {"import crypto/des", "CWE-327", false},
	"G503": {"import crypto/rc4", "CWE-327", false},
	"G504": {"import net/http/cgi", "CWE-327", false},
	"G505": {"import crypto/sha1", "CWE-327", false},
	"G506": {"import golang.org/x/crypto/md4", "CWE-327", false},
	"G507": {"import golang.org/x/crypto/ripemd160", "CWE-327", false},
	"G601": {"implicit memory aliasing in range", "CWE-118", true},
	"G602": {"slice index out of range", "CWE-118", true},
	"G701": {"SQL injection (taint)", "CWE-89", true},
	"G702": {"command injection (taint)", "CWE-78", true},
	"G703": {"path traversal (taint)", "CWE-22", true},
	"G704": {"SSRF (taint)", "CWE-918", true},
	"G705": {"XSS (taint)", "CWE-79", true},
	"G706": {"log injection (taint)", "CWE-117", true},
	"G707": {"SMTP injection (taint)", "CWE-93", true},
	"G708": {"template injection (taint)", "CWE-1336", true},
	"G710": {"open redirect (taint)", "CWE-601", true},
}

// codeGosecCoverage lists, for each gosec rule, the Airlock rules written
// to find the same vulnerability ("secrets" is the secrets detector). A
// family is covered when one of them is loaded, whatever it scores: the
// list says what Airlock targets, not what it happens to flag, so a family
// never enters or leaves the covered total because of its results. Rules
// named here must exist (TestGosecCoverageNamesBuiltinRules).
var codeGosecCoverage = map[string][]string{
	"G101": {"secrets", "go-jwt-hardcoded-key", "go-hardcoded-aes-key"},
	"G102": {"go-listen-all-interfaces"},
	"G103": {"go-unsafe-pointer"},
	"G106": {"go-ssh-insecure-host-key"},
	"G107": {"go-http-request-variable-url", "go-ssrf-request-url"},
	"G108": {"go-pprof-imported", "go-pprof-handler-exposed"},
	"G110": {"go-decompression-bomb"},
	"G111": {"go-http-dir-root"},
	"G113": {"go-http-smuggling-headers"},
	"G112": {"go-http-server-no-read-timeout"},
	"G114": {"go-http-serve-no-timeouts"},
	"G120": {"go-multipart-unbounded"},
	"G201": {"go-sql-string-built", "go-sql-query-built-before-call", "go-sql-built-in-helper", "go-gorm-raw-sql-built"},
	"G202": {"go-sql-string-built", "go-sql-query-built-before-call", "go-sql-query-extended", "go-sql-built-in-helper", "go-gorm-raw-sql-built"},
	"G203": {"go-template-unescaped"},
	"G204": {"go-exec-shell-c", "go-exec-request-data", "go-exec-program-from-input", "go-syscall-exec-variable"},
	"G301": {"go-file-create-world-writable"},
	"G302": {"go-file-world-writable", "go-file-create-world-writable"},
	"G303": {"go-predictable-temp-file"},
	"G304": {"go-file-path-variable", "go-path-traversal-request"},
	"G305": {"go-zip-slip"},
	"G306": {"go-file-create-world-writable"},
	"G401": {"go-weak-hash"},
	"G402": {"go-tls-insecure-skip-verify", "go-tls-old-version", "go-tls-weak-cipher-suite"},
	"G403": {"go-rsa-key-too-small"},
	"G404": {"go-math-rand", "go-math-rand-for-secret"},
	"G405": {"go-weak-cipher"},
	"G406": {"go-weak-hash"},
	"G407": {"go-cipher-constant-iv"},
	"G501": {"go-weak-hash"},
	"G502": {"go-weak-cipher"},
	"G503": {"go-weak-cipher"},
	"G504": {"go-cgi-handler"},
	"G505": {"go-weak-hash"},
	"G506": {"go-weak-hash"},
	"G507": {"go-weak-hash"},
	"G701": {"go-sql-request-data", "go-sql-string-built", "go-sql-query-built-before-call", "go-sql-query-extended", "go-sql-built-in-helper", "go-gorm-raw-sql-built"},
	"G702": {"go-exec-shell-c", "go-exec-request-data", "go-exec-program-from-input"},
	"G703": {"go-path-traversal-request", "go-file-path-variable"},
	"G704": {"go-ssrf-request-url", "go-http-request-variable-url"},
	"G705": {"go-xss-response-write", "go-template-unescaped"},
	"G706": {"go-log-injection"},
	"G710": {"go-open-redirect"},
}

// codeGosecFamily maps a sample's rule label to the gosec rule id
// ("G401b" → "G401", "G104Audit" → "G104", "G501BuildTag" → "G501").
var reGosecID = regexp.MustCompile(`^G\d{3}`)

func codeGosecFamily(label string) string {
	if id := reGosecID.FindString(label); id != "" {
		return id
	}
	return label
}

// gosec scores the gosec sample programs: a sample is flagged when any
// finding is reported in any of its files.
func (r *codeRun) gosec(ctx context.Context) error {
	p := r.dataPath("gosec-samples", "gosec_samples.jsonl")
	b, err := codeReadFile(p)
	if err != nil {
		return err
	}
	var samples []codeGosecSample
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var s codeGosecSample
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			r.skip(fmt.Sprintf("%s:%d", p, n), "parse", err.Error())
			continue
		}
		samples = append(samples, s)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	// Flatten to files; a sample is flagged if any of its files is.
	type ref struct{ sample, file int }
	var refs []ref
	for i, s := range samples {
		for j := range s.Files {
			refs = append(refs, ref{i, j})
		}
	}
	found := make([][]airlock.Finding, len(samples))
	parseErr := make([]bool, len(samples))
	get := func(i int) (codeItem, error) {
		rf := refs[i]
		return codeItem{
			path: fmt.Sprintf("gosec/%s/file%d.go", strings.NewReplacer("#", "-", "/", "-").Replace(samples[rf.sample].ID), rf.file),
			lang: "go",
			src:  []byte(samples[rf.sample].Files[rf.file]),
		}, nil
	}
	err = r.pool(ctx, len(refs), get, func(i int, it codeItem, o codeOutcome) {
		rf := refs[i]
		r.mu.Lock()
		defer r.mu.Unlock()
		found[rf.sample] = append(found[rf.sample], o.findings...)
		parseErr[rf.sample] = parseErr[rf.sample] || o.parseError
		r.account(r.codeSetRow("gosec", "go"), codeOutcome{lines: o.lines, dur: o.dur})
	})
	if err != nil {
		return err
	}
	loaded := map[string]bool{"secrets": true}
	for _, rl := range r.opt.Rules {
		if rl.AppliesTo("go") {
			loaded[rl.ID] = true
		}
	}
	fams := map[string]*CodeFamily{}
	row := r.codeSetRow("gosec", "go")
	for i, s := range samples {
		id := codeGosecFamily(s.Rule)
		info := codeGosecRules[id]
		f := fams[id]
		if f == nil {
			if info.what == "" {
				info.what = "-"
			}
			f = &CodeFamily{Rule: id, What: info.what, CWE: info.cwe, NeedsTypes: info.needsTypes}
			for _, rid := range codeGosecCoverage[id] {
				if loaded[rid] {
					f.AirlockRules = append(f.AirlockRules, rid)
				}
			}
			f.Covered = len(f.AirlockRules) > 0
			fams[id] = f
		}
		flagged := len(found[i]) > 0
		row.ParseErrors += b2i(parseErr[i])
		if s.Expected > 0 {
			row.Positives++
			row.TP += b2i(flagged)
			f.Positives++
			f.TP += b2i(flagged)
			cweHit := info.cwe != "" && codeHasCWE(found[i], info.cwe)
			f.CWETP += b2i(cweHit)
			row.CWETP += b2i(cweHit)
		} else {
			row.Negatives++
			row.FP += b2i(flagged)
			f.Negatives++
			f.FP += b2i(flagged)
		}
	}
	for _, f := range fams {
		f.TPR = codeRate(f.TP, f.Positives)
		f.FPR = codeRate(f.FP, f.Negatives)
		r.rep.Gosec = append(r.rep.Gosec, *f)
	}
	sort.Slice(r.rep.Gosec, func(i, j int) bool { return r.rep.Gosec[i].Rule < r.rep.Gosec[j].Rule })
	return nil
}

// owasp runs the OWASP Benchmark for Python: a test is predicted
// vulnerable when a finding with its category's CWE is reported in its
// file.
func (r *codeRun) owasp(ctx context.Context) error {
	dir := r.dataPath("owasp-benchmark-python")
	b, err := codeReadFile(filepath.Join(dir, "expectedresults-0.1.csv"))
	if err != nil {
		return err
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return fmt.Errorf("expectedresults-0.1.csv: %w", err)
	}
	var rows []codeOWASPRow
	var names []string
	for _, rec := range recs {
		if len(rec) < 4 {
			continue
		}
		names = append(names, strings.TrimSpace(rec[0]))
		rows = append(rows, codeOWASPRow{
			category:   strings.TrimSpace(rec[1]),
			vulnerable: strings.EqualFold(strings.TrimSpace(rec[2]), "true"),
			cwe:        codeCWE(rec[3]),
		})
	}
	get := func(i int) (codeItem, error) {
		p := filepath.Join(dir, "testcode", names[i]+".py")
		src, err := codeReadFile(p)
		return codeItem{path: p, lang: "python", src: src}, err
	}
	row := r.codeSetRow("owasp-benchmark", "python")
	err = r.pool(ctx, len(rows), get, func(i int, it codeItem, o codeOutcome) {
		hit := codeHasCWE(o.findings, rows[i].cwe)
		r.mu.Lock()
		defer r.mu.Unlock()
		rows[i].flagged = hit
		if rows[i].vulnerable {
			row.Positives++
			row.TP += b2i(hit)
			row.CWETP += b2i(hit)
		} else {
			row.Negatives++
			row.FP += b2i(hit)
		}
		r.account(row, o)
	})
	if err != nil {
		return err
	}
	r.rep.OWASP = codeOWASPScore(rows)
	return nil
}

var reCWEvalName = regexp.MustCompile(`^cwe_(\d+)_\d+(?:_[a-z]+)?_(task|unsafe)\.([a-z]+)$`)

// cweval scores CWEval: the unsafe solution flagged is a true positive,
// the secure reference flagged a false positive.
func (r *codeRun) cweval(ctx context.Context) error {
	root := r.dataPath("cweval", "benchmark")
	type file struct {
		path, lang, cwe string
		unsafe          bool
	}
	var files []file
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		m := reCWEvalName.FindStringSubmatch(d.Name())
		if d.IsDir() || m == nil {
			return nil
		}
		files = append(files, file{path: p, lang: codeLangName(m[3]), cwe: codeCWE(m[1]), unsafe: m[2] == "unsafe"})
		return nil
	})
	if err != nil {
		return fmt.Errorf("cweval: %w", err)
	}
	get := func(i int) (codeItem, error) {
		src, err := codeReadFile(files[i].path)
		return codeItem{path: files[i].path, lang: codeEngineLang(files[i].lang), src: src}, err
	}
	return r.pool(ctx, len(files), get, func(i int, it codeItem, o codeOutcome) {
		f := files[i]
		flagged := len(o.findings) > 0
		r.mu.Lock()
		defer r.mu.Unlock()
		row := r.codeSetRow("cweval", f.lang)
		if f.unsafe {
			row.Positives++
			row.TP += b2i(flagged)
			if !flagged {
				r.miss(row, i, f.path)
			}
			row.CWETP += b2i(codeHasCWE(o.findings, f.cwe))
		} else {
			row.Negatives++
			row.FP += b2i(flagged)
		}
		r.account(row, o)
	})
}

// codeLangName turns a file extension into the dataset language name.
func codeLangName(ext string) string {
	switch strings.ToLower(strings.TrimPrefix(ext, ".")) {
	case "py":
		return "python"
	case "js", "mjs", "cjs":
		return "javascript"
	case "ts":
		return "typescript"
	case "go":
		return "go"
	case "java":
		return "java"
	case "c", "h":
		return "c"
	case "cc", "cpp", "cxx", "hpp", "hh":
		return "cpp"
	}
	return strings.TrimPrefix(ext, ".")
}

// codeSVEN is one SVEN vulnerable/fixed function pair.
type codeSVEN struct {
	Before   string `json:"func_src_before"`
	After    string `json:"func_src_after"`
	FileName string `json:"file_name"`
	FuncName string `json:"func_name"`
	VulType  string `json:"vul_type"`
}

// sven scores SVEN pairs: the function before the fix flagged is a true
// positive, after the fix a false positive; a pair is discriminated when
// only the vulnerable version is flagged.
func (r *codeRun) sven(ctx context.Context) error {
	root := r.dataPath("sven", "data_train_val")
	var pairs []codeSVEN
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || filepath.Ext(p) != ".jsonl" {
			return nil
		}
		b, err := codeReadFile(p)
		if err != nil {
			return err
		}
		for n, line := range bytes.Split(b, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var s codeSVEN
			if err := json.Unmarshal(line, &s); err != nil {
				r.skip(fmt.Sprintf("%s:%d", p, n+1), "parse", err.Error())
				continue
			}
			pairs = append(pairs, s)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sven: %w", err)
	}
	// Items 2i and 2i+1 are the before and after versions of pair i.
	flagged := make([]bool, 2*len(pairs))
	get := func(i int) (codeItem, error) {
		s := pairs[i/2]
		src := s.Before
		if i%2 == 1 {
			src = s.After
		}
		lang := codeLangName(filepath.Ext(s.FileName))
		if lang == "python" {
			src = codeDedent(src)
		}
		return codeItem{path: fmt.Sprintf("sven/%d%s", i, filepath.Ext(s.FileName)), lang: codeEngineLang(lang), src: []byte(src)}, nil
	}
	err = r.pool(ctx, len(flagged), get, func(i int, it codeItem, o codeOutcome) {
		s := pairs[i/2]
		lang := codeLangName(filepath.Ext(s.FileName))
		r.mu.Lock()
		defer r.mu.Unlock()
		flagged[i] = len(o.findings) > 0
		row := r.codeSetRow("sven", lang)
		if i%2 == 0 {
			row.Positives++
			row.TP += b2i(flagged[i])
			if !flagged[i] {
				r.miss(row, i, fmt.Sprintf("%s %s (%s)", s.VulType, s.FileName, s.FuncName))
			}
			row.CWETP += b2i(codeHasCWE(o.findings, s.VulType))
		} else {
			row.Negatives++
			row.FP += b2i(flagged[i])
		}
		r.account(row, o)
	})
	if err != nil {
		return err
	}
	for i, s := range pairs {
		row := r.codeSetRow("sven", codeLangName(filepath.Ext(s.FileName)))
		row.Pairs++
		row.Discriminated += b2i(flagged[2*i] && !flagged[2*i+1])
	}
	return nil
}

// codeClip shortens s to n bytes at a rune boundary.
func codeClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
