package eval

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/airlockhq/airlock"
)

// codeTreeExclude are directories never descended into: fixtures that
// are not meant to be real code, third-party installs and caches.
var codeTreeExclude = []string{"testdata", "site-packages", "dist-packages", "__pycache__", "node_modules", ".git"}

// maxTreeFile skips generated giants (tables, bundles) that are not
// hand-written code.
const maxTreeFile = 2 << 20

// maxSamplePool bounds how many high/critical findings are kept to draw
// the review sample from.
const maxSamplePool = 200000

// DefaultTrees finds the real trees on this machine: the Go standard
// library ($(go env GOROOT)/src), the Python standard library and the
// JDK's src.zip. Trees that are not installed are left out and listed in
// missing with the reason.
func DefaultTrees(ctx context.Context) (trees []CodeTree, missing []airlock.Skip) {
	goroot := strings.TrimSpace(commandOutput(ctx, "go", "env", "GOROOT"))
	if goroot != "" && dirExists(filepath.Join(goroot, "src")) {
		trees = append(trees, CodeTree{Name: "go-stdlib", Path: filepath.Join(goroot, "src")})
	} else {
		missing = append(missing, airlock.Skip{Input: "go-stdlib", Check: "tree", Reason: "no Go installation found (go env GOROOT)"})
	}
	py := strings.TrimSpace(commandOutput(ctx, "python3", "-c", `import sysconfig;print(sysconfig.get_paths()["stdlib"])`))
	if py != "" && dirExists(py) {
		trees = append(trees, CodeTree{Name: "python-stdlib", Path: py})
	} else {
		missing = append(missing, airlock.Skip{Input: "python-stdlib", Check: "tree", Reason: "python3 not found or its stdlib path does not exist"})
	}
	if z := jdkSrcZip(ctx); z != "" {
		trees = append(trees, CodeTree{Name: "jdk-src", Path: z})
	} else {
		missing = append(missing, airlock.Skip{Input: "jdk-src", Check: "tree", Reason: "no JDK src.zip found ($JAVA_HOME/lib/src.zip or next to javac)"})
	}
	return trees, missing
}

func commandOutput(ctx context.Context, name string, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// jdkSrcZip looks for src.zip under $JAVA_HOME, then next to javac or
// java on PATH.
func jdkSrcZip(ctx context.Context) string {
	var homes []string
	if h := os.Getenv("JAVA_HOME"); h != "" {
		homes = append(homes, h)
	}
	for _, bin := range []string{"javac", "java"} {
		if p, err := exec.LookPath(bin); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				homes = append(homes, filepath.Dir(filepath.Dir(real)))
			}
		}
	}
	// Debian-style installs keep every JDK under /usr/lib/jvm, and the
	// default JDK's src.zip link may point at a package not installed.
	if more, err := filepath.Glob("/usr/lib/jvm/*"); err == nil {
		sort.Sort(sort.Reverse(sort.StringSlice(more)))
		homes = append(homes, more...)
	}
	for _, h := range homes {
		for _, z := range []string{filepath.Join(h, "lib", "src.zip"), filepath.Join(h, "src.zip")} {
			// Stat follows links, so a dangling link is skipped.
			if st, err := os.Stat(z); err == nil && !st.IsDir() {
				return z
			}
		}
	}
	return ""
}

// trees measures findings per 1,000 lines on real code, where every
// high/critical finding is presumed a false alarm until reviewed.
func (r *codeRun) trees(ctx context.Context) error {
	trees := r.opt.Trees
	if len(trees) == 0 {
		var missing []airlock.Skip
		trees, missing = DefaultTrees(ctx)
		for _, m := range missing {
			r.skip(m.Input, m.Check, m.Reason)
		}
	}
	var pool []CodeSample
	for _, t := range trees {
		res, samples, err := r.tree(ctx, t)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			r.skip(t.Path, "tree", err.Error())
			continue
		}
		r.rep.Trees = append(r.rep.Trees, *res)
		pool = append(pool, samples...)
	}
	r.rep.Samples = codeDrawSample(pool, r.opt.Sample, r.opt.Seed)
	return nil
}

// codeDrawSample picks n findings at random, reproducibly for a seed
// whatever order the workers produced them in.
func codeDrawSample(pool []CodeSample, n int, seed int64) []CodeSample {
	if n <= 0 || len(pool) == 0 {
		return nil
	}
	sort.Slice(pool, func(i, j int) bool {
		a, b := pool[i].Finding.Location, pool[j].Finding.Location
		if a.String() != b.String() {
			return a.String() < b.String()
		}
		return pool[i].Finding.RuleID < pool[j].Finding.RuleID
	})
	rng := rand.New(rand.NewSource(seed))
	idx := rng.Perm(len(pool))
	if n > len(idx) {
		n = len(idx)
	}
	out := make([]CodeSample, 0, n)
	for _, i := range idx[:n] {
		out = append(out, pool[i])
	}
	return out
}

// codeTreeFile is one file of a tree: a path on disk or an entry of a zip.
type codeTreeFile struct {
	path string
	lang string
	zf   *zip.File
}

func (r *codeRun) tree(ctx context.Context, t CodeTree) (*CodeTreeResult, []CodeSample, error) {
	exclude := append(append([]string{}, codeTreeExclude...), t.Exclude...)
	var files []codeTreeFile
	if strings.HasSuffix(strings.ToLower(t.Path), ".zip") {
		zr, err := zip.OpenReader(t.Path)
		if err != nil {
			return nil, nil, fmt.Errorf("open %s: %w", t.Path, err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			lang := codeEngineLang(filepath.Ext(f.Name))
			if lang == "" || f.FileInfo().IsDir() || f.UncompressedSize64 > maxTreeFile || codeExcluded(f.Name, exclude) {
				continue
			}
			files = append(files, codeTreeFile{path: t.Path + "!/" + f.Name, lang: lang, zf: f})
		}
	} else {
		err := filepath.WalkDir(t.Path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				r.skip(p, "read", err.Error())
				return nil
			}
			if d.IsDir() {
				if p != t.Path && codeContains(exclude, d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			lang := codeEngineLang(filepath.Ext(p))
			if lang == "" {
				return nil
			}
			if info, err := d.Info(); err != nil || info.Size() > maxTreeFile {
				return nil
			}
			files = append(files, codeTreeFile{path: p, lang: lang})
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("walk %s: %w", t.Path, err)
		}
	}
	res := &CodeTreeResult{Name: t.Name, Path: t.Path, BySeverity: map[string]int{}, PerKLOC: map[string]float64{}}
	rules := map[string]int{}
	var samples []CodeSample
	start := time.Now()
	get := func(i int) (codeItem, error) {
		f := files[i]
		var src []byte
		var err error
		if f.zf != nil {
			src, err = readZipFile(f.zf)
		} else {
			src, err = os.ReadFile(f.path)
		}
		return codeItem{path: f.path, lang: f.lang, src: src}, err
	}
	err := r.pool(ctx, len(files), get, func(i int, it codeItem, o codeOutcome) {
		r.mu.Lock()
		defer r.mu.Unlock()
		test := codeIsTest(it.path)
		res.Files++
		res.Lines += o.lines
		if !test {
			res.NonTestLines += o.lines
		}
		res.CPUSeconds += o.dur.Seconds()
		res.ParseErrors += b2i(o.parseError)
		for _, f := range o.findings {
			res.BySeverity[f.Severity.String()]++
			rules[f.RuleID]++
			if f.Severity >= airlock.High && !test {
				res.NonTestHigh++
			}
			if f.Severity >= airlock.High && len(samples) < maxSamplePool {
				samples = append(samples, CodeSample{Tree: t.Name, Test: test, Finding: f})
			}
		}
	})
	if err != nil {
		return nil, nil, err
	}
	res.Seconds = time.Since(start).Seconds()
	if res.CPUSeconds > 0 {
		res.LinesPerCPUSecond = float64(res.Lines) / res.CPUSeconds
	}
	high := 0
	for sev, n := range res.BySeverity {
		res.PerKLOC[sev] = codePerKLOC(n, res.Lines)
		if sev == airlock.High.String() || sev == airlock.Critical.String() {
			high += n
		}
	}
	res.HighPerKLOC = codePerKLOC(high, res.Lines)
	res.NonTestHighPerKLOC = codePerKLOC(res.NonTestHigh, res.NonTestLines)
	for id, n := range rules {
		res.TopRules = append(res.TopRules, CodeRuleCount{Rule: id, Count: n})
	}
	sort.Slice(res.TopRules, func(i, j int) bool {
		if res.TopRules[i].Count != res.TopRules[j].Count {
			return res.TopRules[i].Count > res.TopRules[j].Count
		}
		return res.TopRules[i].Rule < res.TopRules[j].Rule
	})
	if len(res.TopRules) > 15 {
		res.TopRules = res.TopRules[:15]
	}
	return res, samples, nil
}

// codeExcluded reports whether a slash-separated path has an excluded
// directory among its parents.
func codeExcluded(p string, exclude []string) bool {
	parts := strings.Split(p, "/")
	for _, d := range parts[:len(parts)-1] {
		if codeContains(exclude, d) {
			return true
		}
	}
	return false
}

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, maxTreeFile+1))
}

// codeIsTest reports whether a tree file is test code (by the usual
// naming of Go, Python and Java test files and directories).
func codeIsTest(p string) bool {
	p = "/" + strings.ToLower(filepath.ToSlash(p))
	for _, d := range []string{"/test/", "/tests/", "/testing/", "/idlelib/idle_test/", "/unittest/test/"} {
		if strings.Contains(p, d) {
			return true
		}
	}
	base := p[strings.LastIndexByte(p, '/')+1:]
	return strings.HasSuffix(base, "_test.go") || strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py") ||
		strings.HasSuffix(base, "_test.py") || strings.HasSuffix(base, "test.java") || strings.HasSuffix(base, "tests.java")
}
