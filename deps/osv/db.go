package osv

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/osv-scalibr/semantic"

	"github.com/airlockhq/airlock/deps/internal/pyname"
)

// On-disk layout, per ecosystem directory:
//
//	meta.json  when and from where the index was built, record counts
//	index.bin  magic, count, fixed-size entries sorted by key, key bytes
//	data.bin   per package: a JSON array of its Advisory records
//
// index.bin (keys and offsets only) is read into memory on first use; a
// lookup binary-searches it and reads one record of data.bin with ReadAt,
// so the advisories themselves are never all loaded.
const (
	magic     = "AIRLOCKOSV1\n"
	entrySize = 24
	// maxRecord bounds one OSV JSON file inside an archive.
	maxRecord = 16 << 20
)

// Meta describes a built index.
type Meta struct {
	Ecosystem  string    `json:"ecosystem"`
	Source     string    `json:"source"`
	Built      time.Time `json:"built"`
	Records    int       `json:"records"`
	Packages   int       `json:"packages"`
	Malicious  int       `json:"malicious"`
	Skipped    int       `json:"skipped"` // records that could not be read
	SkipSample []string  `json:"skip_sample,omitempty"`
}

// Build reads an OSV all.zip archive and writes the index for eco into
// dir, replacing any previous index only when the new one is complete.
func Build(ctx context.Context, zipPath, eco, source, dir string, now time.Time) (*Meta, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, fmt.Errorf("open OSV archive %s: %w (corrupt or not a zip file)", zipPath, err)
	}
	defer zr.Close()
	meta := &Meta{Ecosystem: eco, Source: source, Built: now.UTC()}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".build-"+filepath.Base(dir)+"-")
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	defer os.RemoveAll(tmp)
	// Records go to a spill file as they are read; memory holds only a
	// reference per advisory, so building stays small for any archive.
	spill, err := os.Create(filepath.Join(tmp, "spill"))
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	defer spill.Close()
	sw := bufio.NewWriterSize(spill, 1<<20)
	var refs []recordRef
	keys := map[string]string{} // interned: many advisories share a package
	var off int64
	for i, f := range zr.File {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !strings.HasSuffix(f.Name, ".json") || f.FileInfo().IsDir() {
			continue
		}
		recs, err := readRecord(f, eco)
		if err != nil {
			meta.Skipped++
			if len(meta.SkipSample) < 5 {
				meta.SkipSample = append(meta.SkipSample, f.Name+": "+err.Error())
			}
			continue
		}
		meta.Records++
		for _, r := range recs {
			if r.adv.Malicious {
				meta.Malicious++
			}
			b, err := json.Marshal(r.adv)
			if err != nil {
				continue
			}
			if _, err := sw.Write(b); err != nil {
				return nil, fmt.Errorf("build index: %w", err)
			}
			k, ok := keys[r.key]
			if !ok {
				keys[r.key], k = r.key, r.key
			}
			refs = append(refs, recordRef{key: k, off: off, n: int32(len(b))})
			off += int64(len(b))
		}
	}
	if meta.Records == 0 && meta.Skipped > 0 {
		return nil, fmt.Errorf("OSV archive %s: none of its %d records could be read (first: %s)", zipPath, meta.Skipped, meta.SkipSample[0])
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	meta.Packages = len(keys)
	if err := writeIndex(tmp, spill, refs); err != nil {
		return nil, err
	}
	spill.Close()
	os.Remove(spill.Name())
	mb, _ := json.MarshalIndent(meta, "", "  ")
	if err := os.WriteFile(filepath.Join(tmp, "meta.json"), mb, 0o644); err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	old := dir + ".old"
	os.RemoveAll(old)
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return nil, fmt.Errorf("replace index: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir)
		return nil, fmt.Errorf("replace index: %w", err)
	}
	os.RemoveAll(old)
	return meta, nil
}

type keyed struct {
	key string
	adv Advisory
}

// osvRecord is the subset of the OSV schema the index keeps.
type osvRecord struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Summary   string   `json:"summary"`
	Details   string   `json:"details"`
	Withdrawn string   `json:"withdrawn"`
	Severity  []struct {
		Type  string `json:"type"`
		Score string `json:"score"`
	} `json:"severity"`
	Affected []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges           []Range  `json:"ranges"`
		Versions         []string `json:"versions"`
		DatabaseSpecific struct {
			Severity string `json:"severity"`
		} `json:"database_specific"`
		EcosystemSpecific struct {
			Severity string `json:"severity"`
		} `json:"ecosystem_specific"`
	} `json:"affected"`
	DatabaseSpecific struct {
		Severity string `json:"severity"`
	} `json:"database_specific"`
}

func readRecord(f *zip.File, eco string) ([]keyed, error) {
	if f.UncompressedSize64 > maxRecord {
		return nil, fmt.Errorf("record is %d bytes, over the %d limit", f.UncompressedSize64, maxRecord)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxRecord+1))
	if err != nil {
		return nil, err
	}
	var r osvRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("invalid OSV JSON: %w", err)
	}
	if r.ID == "" {
		return nil, errors.New("record without id")
	}
	if r.Withdrawn != "" {
		return nil, nil
	}
	var out []keyed
	for _, a := range r.Affected {
		e, _, _ := strings.Cut(a.Package.Ecosystem, ":")
		if e != eco || a.Package.Name == "" {
			continue
		}
		adv := Advisory{ID: r.ID, Aliases: r.Aliases, Summary: r.Summary, Malicious: strings.HasPrefix(r.ID, "MAL-"),
			Versions: a.Versions}
		if adv.Summary == "" {
			adv.Summary = firstSentence(r.Details)
		}
		adv.Severity = normSeverity(a.DatabaseSpecific.Severity, a.EcosystemSpecific.Severity, r.DatabaseSpecific.Severity)
		if adv.Severity == "" {
			for _, s := range r.Severity {
				if sev := cvssSeverity(s.Score); sev != "" {
					adv.Severity = sev
					break
				}
			}
		}
		for _, rg := range a.Ranges {
			if rg.Type == "GIT" {
				continue
			}
			adv.Ranges = append(adv.Ranges, rg)
			for _, ev := range rg.Events {
				if ev.Fixed != "" {
					adv.Fixed = append(adv.Fixed, ev.Fixed)
				}
			}
		}
		out = append(out, keyed{key: Key(eco, a.Package.Name), adv: adv})
	}
	return out, nil
}

func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i > 0 && i < 200 {
		return s[:i]
	}
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

func normSeverity(vals ...string) string {
	for _, v := range vals {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "low":
			return "low"
		case "moderate", "medium":
			return "medium"
		case "high", "important":
			return "high"
		case "critical":
			return "critical"
		}
	}
	return ""
}

// cvssSeverity reads a qualitative rating from a CVSS v3 vector by its
// impact metrics, without computing the full score: any High impact with
// network attack vector reads as high, and so on.
func cvssSeverity(vector string) string {
	if !strings.HasPrefix(vector, "CVSS:3") && !strings.HasPrefix(vector, "CVSS:4") {
		return ""
	}
	high := strings.Count(vector, "/C:H") + strings.Count(vector, "/I:H") + strings.Count(vector, "/A:H") +
		strings.Count(vector, "/VC:H") + strings.Count(vector, "/VI:H") + strings.Count(vector, "/VA:H")
	network := strings.Contains(vector, "/AV:N")
	noPriv := strings.Contains(vector, "/PR:N")
	switch {
	case high >= 2 && network && noPriv:
		return "critical"
	case high >= 1:
		return "high"
	case strings.Contains(vector, ":L"):
		return "medium"
	}
	return "low"
}

// Key is the index key of a package: ecosystem and name, with PyPI names
// normalised as pip does.
func Key(eco, name string) string {
	if eco == "PyPI" {
		name = pyname.Normalize(name)
	}
	return eco + "\x00" + name
}

// recordRef locates one advisory in the spill file.
type recordRef struct {
	key string
	off int64
	n   int32
}

func writeIndex(dir string, spill *os.File, refs []recordRef) error {
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].key < refs[j].key })
	data, err := os.Create(filepath.Join(dir, "data.bin"))
	if err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	defer data.Close()
	dw := bufio.NewWriterSize(data, 1<<20)
	var idx, keyBlob bytes.Buffer
	idx.WriteString(magic)
	var count uint32
	var entries []byte
	var off uint64
	var buf []byte
	for i := 0; i < len(refs); {
		j := i
		for j < len(refs) && refs[j].key == refs[i].key {
			j++
		}
		start := off
		dw.WriteByte('[')
		off++
		for k := i; k < j; k++ {
			if k > i {
				dw.WriteByte(',')
				off++
			}
			if cap(buf) < int(refs[k].n) {
				buf = make([]byte, refs[k].n)
			}
			b := buf[:refs[k].n]
			if _, err := spill.ReadAt(b, refs[k].off); err != nil {
				return fmt.Errorf("build index: %w", err)
			}
			dw.Write(b)
			off += uint64(len(b))
		}
		if err := dw.WriteByte(']'); err != nil {
			return fmt.Errorf("build index: %w", err)
		}
		off++
		var e [entrySize]byte
		binary.LittleEndian.PutUint32(e[0:], uint32(keyBlob.Len()))
		binary.LittleEndian.PutUint32(e[4:], uint32(len(refs[i].key)))
		binary.LittleEndian.PutUint64(e[8:], start)
		binary.LittleEndian.PutUint32(e[16:], uint32(off-start))
		entries = append(entries, e[:]...)
		keyBlob.WriteString(refs[i].key)
		count++
		i = j
	}
	if err := dw.Flush(); err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	binary.Write(&idx, binary.LittleEndian, count)
	idx.Write(entries)
	idx.Write(keyBlob.Bytes())
	if err := os.WriteFile(filepath.Join(dir, "index.bin"), idx.Bytes(), 0o644); err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	return data.Close()
}

// DB answers advisory lookups from the indexes under a directory, one
// subdirectory per ecosystem. It is safe for concurrent use.
type DB struct {
	Dir string
	// MaxAge makes lookups in an index older than this fail (0: no limit).
	MaxAge time.Duration
	Now    func() time.Time

	mu   sync.Mutex
	open map[string]*ecoIndex
}

type ecoIndex struct {
	meta Meta
	// idx is index.bin, read whole: it holds only keys and offsets (a
	// few megabytes for the largest ecosystem), so a lookup costs one
	// read of data.bin.
	idx        []byte
	data       *os.File
	count      uint32
	keysOffset int64
	err        error
}

// maxIndex bounds index.bin.
const maxIndex = 512 << 20

// Open returns a DB over dir; indexes are opened on first use.
func Open(dir string) *DB {
	return &DB{Dir: dir, open: map[string]*ecoIndex{}}
}

// Close releases open files.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	for _, e := range db.open {
		if e.data != nil {
			e.data.Close()
		}
	}
	db.open = map[string]*ecoIndex{}
	return nil
}

// EcoDir is where an ecosystem's index lives under a database directory.
func EcoDir(dir, eco string) string {
	return filepath.Join(dir, strings.NewReplacer("/", "_", "\\", "_", ":", "_").Replace(eco))
}

// ReadMeta reads an ecosystem's meta.json.
func ReadMeta(dir, eco string) (*Meta, error) {
	b, err := os.ReadFile(filepath.Join(EcoDir(dir, eco), "meta.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w; run `airlock db update`", eco, ErrNoDB)
		}
		return nil, err
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: corrupt meta.json: %w; run `airlock db update`", eco, err)
	}
	return &m, nil
}

func (db *DB) index(eco string) (*ecoIndex, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if e, ok := db.open[eco]; ok {
		return e, e.err
	}
	e := &ecoIndex{}
	db.open[eco] = e
	e.err = e.load(db.Dir, eco)
	return e, e.err
}

func (e *ecoIndex) load(dir, eco string) error {
	m, err := ReadMeta(dir, eco)
	if err != nil {
		return err
	}
	e.meta = *m
	d := EcoDir(dir, eco)
	st, err := os.Stat(filepath.Join(d, "index.bin"))
	if err != nil {
		return fmt.Errorf("%s: %w: %v", eco, ErrNoDB, err)
	}
	if st.Size() > maxIndex {
		return fmt.Errorf("%s: index.bin is %d bytes, over the %d limit", eco, st.Size(), maxIndex)
	}
	if e.idx, err = os.ReadFile(filepath.Join(d, "index.bin")); err != nil {
		return fmt.Errorf("%s: %w: %v", eco, ErrNoDB, err)
	}
	if e.data, err = os.Open(filepath.Join(d, "data.bin")); err != nil {
		return fmt.Errorf("%s: %w: %v", eco, ErrNoDB, err)
	}
	hdr := e.idx
	if len(hdr) < len(magic)+4 || string(hdr[:len(magic)]) != magic {
		return fmt.Errorf("%s: corrupt index (bad header); run `airlock db update`", eco)
	}
	e.count = binary.LittleEndian.Uint32(hdr[len(magic):])
	e.keysOffset = int64(len(magic)) + 4 + int64(e.count)*entrySize
	if e.keysOffset > int64(len(e.idx)) {
		return fmt.Errorf("%s: corrupt index (truncated); run `airlock db update`", eco)
	}
	return nil
}

// Vulns returns the advisories that affect version of the package.
func (db *DB) Vulns(ctx context.Context, eco, name, version string) ([]Advisory, error) {
	e, err := db.index(eco)
	if err != nil {
		return nil, err
	}
	if db.MaxAge > 0 {
		now := time.Now
		if db.Now != nil {
			now = db.Now
		}
		if age := now().Sub(e.meta.Built); age > db.MaxAge {
			return nil, fmt.Errorf("the %s advisory database is %d days old (limit %d); run `airlock db update`",
				eco, int(age.Hours()/24), int(db.MaxAge.Hours()/24))
		}
	}
	advs, err := e.lookup(Key(eco, name))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", eco, err)
	}
	var out []Advisory
	for _, a := range advs {
		hit, err := safeAffects(a, eco, version)
		if err != nil {
			return nil, err
		}
		if hit {
			out = append(out, a)
		}
	}
	return out, nil
}

// safeAffects guards against a panic in version parsing on hostile
// advisory data: the lookup fails and says so instead of crashing.
func safeAffects(a Advisory, eco, version string) (hit bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			hit, err = false, fmt.Errorf("%s: cannot compare version %q: %v", a.ID, version, r)
		}
	}()
	return Affects(a, eco, version), nil
}

// lookup binary-searches the sorted entries for key.
func (e *ecoIndex) lookup(key string) ([]Advisory, error) {
	lo, hi := 0, int(e.count)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		at := int64(len(magic)) + 4 + int64(mid)*entrySize
		ent := e.idx[at : at+entrySize]
		koff := int64(binary.LittleEndian.Uint32(ent[0:]))
		klen := int64(binary.LittleEndian.Uint32(ent[4:]))
		if e.keysOffset+koff+klen > int64(len(e.idx)) {
			return nil, errors.New("corrupt index: key out of range")
		}
		k := e.idx[e.keysOffset+koff : e.keysOffset+koff+klen]
		switch c := strings.Compare(string(k), key); {
		case c < 0:
			lo = mid + 1
		case c > 0:
			hi = mid
		default:
			off := binary.LittleEndian.Uint64(ent[8:])
			n := binary.LittleEndian.Uint32(ent[16:])
			if n > 256<<20 {
				return nil, errors.New("corrupt index: record too large")
			}
			buf := make([]byte, n)
			if _, err := e.data.ReadAt(buf, int64(off)); err != nil {
				return nil, fmt.Errorf("corrupt index data: %w", err)
			}
			var advs []Advisory
			if err := json.Unmarshal(buf, &advs); err != nil {
				return nil, fmt.Errorf("corrupt index data: %w", err)
			}
			return advs, nil
		}
	}
	return nil, nil
}

// Affects reports whether version falls in the advisory's listed
// versions or affected ranges, compared with the ecosystem's own version
// rules. A version that cannot be parsed matches only listed versions.
func Affects(a Advisory, eco, version string) bool {
	for _, v := range a.Versions {
		if v == version {
			return true
		}
	}
	if len(a.Ranges) == 0 {
		// A record with no ranges and no versions (typical of malicious
		// package reports) affects every version.
		return len(a.Versions) == 0
	}
	v, err := semantic.Parse(version, eco)
	if err != nil {
		return false
	}
	cmp := func(s string) (int, bool) {
		c, err := v.CompareStr(s)
		return c, err == nil
	}
	for _, r := range a.Ranges {
		affected := false
		for _, ev := range sortEvents(r.Events, eco) {
			switch {
			case ev.Introduced != "":
				if ev.Introduced == "0" {
					affected = true
				} else if c, ok := cmp(ev.Introduced); ok && c >= 0 {
					affected = true
				}
			case ev.Fixed != "":
				if c, ok := cmp(ev.Fixed); ok && c >= 0 {
					affected = false
				}
			case ev.LastAffected != "":
				if c, ok := cmp(ev.LastAffected); ok && c > 0 {
					affected = false
				}
			case ev.Limit != "":
				if c, ok := cmp(ev.Limit); ok && c >= 0 {
					affected = false
				}
			}
		}
		if affected {
			return true
		}
	}
	return false
}

// sortEvents orders a range's events by version ("0" first), as the
// evaluation walk needs; most records are already sorted.
func sortEvents(evs []Event, eco string) []Event {
	ver := func(e Event) string {
		for _, s := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
			if s != "" {
				return s
			}
		}
		return ""
	}
	sorted := true
	for i := 1; i < len(evs) && sorted; i++ {
		sorted = lessVersion(ver(evs[i-1]), ver(evs[i]), eco) || !lessVersion(ver(evs[i]), ver(evs[i-1]), eco)
	}
	if sorted {
		return evs
	}
	out := append([]Event(nil), evs...)
	sort.SliceStable(out, func(i, j int) bool { return lessVersion(ver(out[i]), ver(out[j]), eco) })
	return out
}

func lessVersion(a, b, eco string) bool {
	if a == "0" || b == "0" {
		return a == "0" && b != "0"
	}
	v, err := semantic.Parse(a, eco)
	if err != nil {
		return false
	}
	c, err := v.CompareStr(b)
	return err == nil && c < 0
}
