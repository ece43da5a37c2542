package prompt

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"
)

// TrainExample is one labelled text for Train.
type TrainExample struct {
	Set     string // dataset name; each set gets equal total weight per mode
	Text    string
	Label   bool
	Context bool
	// Calib marks examples held back for threshold calibration.
	Calib bool
	// AttackStart/End bound an inserted attack in Text (-1 if unknown):
	// windows that do not overlap it are trained as clean.
	AttackStart, AttackEnd int
}

// TrainOptions tune Train. The zero value gives the shipped settings.
type TrainOptions struct {
	Bits   int     // log2 weight buckets (default 18)
	Window int     // window bytes (default 384)
	Epochs int     // passes over the data (default 8)
	Rate   float64 // AdaGrad learning rate (default 0.5)
	L2     float64 // L2 penalty per update (default 1e-3)
	// TargetFPR per mode: the threshold is the lowest that keeps the
	// calibration false-positive rate at or below it (default 1% for
	// prompts; 0.1% for context, which with a few hundred calibration
	// texts means above every clean one: the context signatures carry
	// most of the recall there, and false alarms on ordinary files are
	// what make an agent guard unusable).
	TargetFPRPrompt, TargetFPRContext float64
	// NoPair turns off the counterfactual twins: by default every window
	// holding an inserted attack is also trained, without the attack, as
	// a negative. Without twins a long window around a short attack is
	// mostly clean content labelled positive, and the model learns that
	// the content (a table, an e-mail) is the attack.
	NoPair bool
}

func (o *TrainOptions) defaults() {
	if o.Bits == 0 {
		o.Bits = 18
	}
	if o.Window == 0 {
		o.Window = 384
	}
	if o.Epochs == 0 {
		o.Epochs = 8
	}
	if o.Rate == 0 {
		o.Rate = 0.5
	}
	if o.L2 == 0 {
		o.L2 = 1e-3
	}
	if o.TargetFPRPrompt == 0 {
		o.TargetFPRPrompt = 0.01
	}
	if o.TargetFPRContext == 0 {
		o.TargetFPRContext = 0.001
	}
}

// TrainReport summarises a training run.
type TrainReport struct {
	Examples, Windows, Calib int
	Threshold                [3]float32
	CalibTPR, CalibFPR       [3]float64
}

// trainWindow is one training instance: hashed buckets (shared and mode
// copies, duplicates kept) with a common value.
type trainWindow struct {
	idx    []uint32
	x      float32
	label  bool
	mode   uint8
	weight float32
}

// Train fits the classifier on the non-Calib examples with AdaGrad
// logistic regression over hashed features, then picks each mode's
// threshold on the Calib examples. It is deterministic: the same examples
// in the same order give the same model, bit for bit.
func Train(ctx context.Context, exs []TrainExample, opt TrainOptions) (*Model, TrainReport, error) {
	opt.defaults()
	if opt.Bits < 10 || opt.Bits > 24 {
		return nil, TrainReport{}, fmt.Errorf("bits %d out of range 10..24", opt.Bits)
	}
	m := &Model{Bits: opt.Bits, Window: opt.Window, W: make([]float32, 1<<opt.Bits)}
	mask := uint32(1)<<opt.Bits - 1
	var rep TrainReport

	// Per (set, mode) weights so that every set counts the same within its
	// label, and both labels count the same within a mode.
	type key struct {
		set   string
		mode  int
		label bool
	}
	count := map[key]int{}
	for _, e := range exs {
		if !e.Calib {
			count[key{e.Set, exMode(e), e.Label}]++
		}
	}
	setsPer := map[[2]int]int{} // (mode, label) → number of sets
	keys := make([]key, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].set != keys[j].set {
			return keys[i].set < keys[j].set
		}
		if keys[i].mode != keys[j].mode {
			return keys[i].mode < keys[j].mode
		}
		return !keys[i].label && keys[j].label
	})
	for _, k := range keys {
		setsPer[[2]int{k.mode, b2i(k.label)}]++
	}

	var wins []trainWindow
	var feats []feature
	for i, e := range exs {
		if e.Calib {
			rep.Calib++
			continue
		}
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, rep, err
			}
		}
		rep.Examples++
		mode := exMode(e)
		nt := Normalize(e.Text)
		// Attack bounds in normalised offsets.
		as, ae := -1, -1
		if e.AttackStart >= 0 {
			as = sort.Search(len(nt.Off), func(i int) bool { return int(nt.Off[i]) >= e.AttackStart })
			ae = sort.Search(len(nt.Off), func(i int) bool { return int(nt.Off[i]) >= e.AttackEnd })
		}
		feats = featurize(feats[:0], nt.Text)
		spans := windowSpans(len(nt.Text), opt.Window)
		k := key{e.Set, mode, e.Label}
		w := 1 / float64(count[k]) / float64(setsPer[[2]int{mode, b2i(e.Label)}]) * 1000
		for _, sp := range spans {
			label := e.Label
			if e.Label && as >= 0 && (sp[1] <= as || sp[0] >= ae) {
				label = false // a clean part of an injected context
			}
			var idx []uint32
			for _, f := range feats {
				if int(f.pos) >= sp[0] && int(f.pos) < sp[1] {
					idx = append(idx, f.h&mask, mix(f.h^modeSeed[mode])&mask)
				}
			}
			if len(idx) == 0 {
				continue
			}
			wins = append(wins, trainWindow{idx: idx, x: float32(1 / math.Sqrt(float64(len(idx)))), label: label,
				mode: uint8(mode), weight: float32(w / float64(len(spans)))})
			if opt.NoPair || !label || as < 0 {
				continue
			}
			// The same window without the attack, as a negative: the
			// surrounding content then appears equally often on both
			// sides, and only the attack's own features explain the label.
			var clean []uint32
			for _, f := range feats {
				if p := int(f.pos); p >= sp[0] && p < sp[1] && (p < as-3 || p >= ae) {
					clean = append(clean, f.h&mask, mix(f.h^modeSeed[mode])&mask)
				}
			}
			if len(clean) > 0 {
				wins = append(wins, trainWindow{idx: clean, x: float32(1 / math.Sqrt(float64(len(clean)))), label: false,
					mode: uint8(mode), weight: float32(w / float64(len(spans)))})
			}
		}
	}
	rep.Windows = len(wins)
	if len(wins) == 0 {
		return nil, rep, fmt.Errorf("no training examples")
	}
	// Normalise the window weights to mean 1.
	total := 0.0
	for _, w := range wins {
		total += float64(w.weight)
	}
	for i := range wins {
		wins[i].weight = float32(float64(wins[i].weight) * float64(len(wins)) / total)
	}

	g2 := make([]float32, len(m.W))
	var bias [3]float64
	var bg2 [3]float64
	order := make([]int, len(wins))
	for i := range order {
		order[i] = i
	}
	rng := splitmix(0x5eed)
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return nil, rep, err
		}
		for i := len(order) - 1; i > 0; i-- {
			j := int(rng.next() % uint64(i+1))
			order[i], order[j] = order[j], order[i]
		}
		for _, wi := range order {
			w := &wins[wi]
			mode := int(w.mode)
			z := bias[0] + bias[mode]
			for _, b := range w.idx {
				z += float64(m.W[b] * w.x)
			}
			y := 0.0
			if w.label {
				y = 1
			}
			g := (sigmoid(z) - y) * float64(w.weight)
			for _, b := range w.idx {
				gb := float32(g)*w.x + float32(opt.L2)*m.W[b]
				g2[b] += gb * gb
				m.W[b] -= float32(opt.Rate) * gb / float32(math.Sqrt(float64(g2[b]))+1e-8)
			}
			for _, bi := range [2]int{0, mode} {
				bg2[bi] += g * g
				bias[bi] -= opt.Rate * g / (math.Sqrt(bg2[bi]) + 1e-8)
			}
		}
	}
	m.Bias = [3]float32{float32(bias[0]), float32(bias[1]), float32(bias[2])}
	// Quantise now so calibration sees exactly the shipped weights.
	q, err := roundTrip(m)
	if err != nil {
		return nil, rep, err
	}
	m = q
	rep.Threshold, rep.CalibTPR, rep.CalibFPR = calibrate(m, exs, [3]float64{0, opt.TargetFPRPrompt, opt.TargetFPRContext})
	m.Threshold = rep.Threshold
	return m, rep, nil
}

// minThreshold keeps a calibration set with no high-scoring negatives from
// setting a threshold that flags half of everything.
const minThreshold = 0.2

// calibrate picks, per mode, the lowest threshold that keeps the pooled
// calibration false-positive rate at or below target and the rate of every
// negative set with at least minCalibSet examples at or below perSetFPR
// (so a large easy set cannot hide a small hard one), never below
// minThreshold.
func calibrate(m *Model, exs []TrainExample, target [3]float64) (thr [3]float32, tpr, fpr [3]float64) {
	var pos [3][]float64
	neg := [3]map[string][]float64{{}, {}, {}}
	var feats []feature
	for _, e := range exs {
		if !e.Calib {
			continue
		}
		mode := exMode(e)
		var ws []WindowScore
		ws, feats = m.scoreWindows(Normalize(e.Text).Text, mode, feats)
		best := 0.0
		for _, w := range ws {
			best = max(best, w.P)
		}
		if e.Label {
			pos[mode] = append(pos[mode], best)
		} else {
			neg[mode][e.Set] = append(neg[mode][e.Set], best)
		}
	}
	for mode := modePrompt; mode <= modeContext; mode++ {
		t := minThreshold
		sets := make([]string, 0, len(neg[mode]))
		for set := range neg[mode] {
			sets = append(sets, set)
		}
		sort.Strings(sets)
		var all []float64
		for _, set := range sets {
			n := neg[mode][set]
			all = append(all, n...)
			if len(n) >= minCalibSet {
				t = max(t, thresholdFor(n, perSetFPR))
			}
		}
		t = max(t, thresholdFor(all, target[mode]))
		thr[mode] = float32(min(t, 0.999))
		var tp, fp int
		for _, p := range pos[mode] {
			if p >= float64(thr[mode]) {
				tp++
			}
		}
		for _, p := range all {
			if p >= float64(thr[mode]) {
				fp++
			}
		}
		if len(pos[mode]) > 0 {
			tpr[mode] = float64(tp) / float64(len(pos[mode]))
		}
		if len(all) > 0 {
			fpr[mode] = float64(fp) / float64(len(all))
		}
	}
	return thr, tpr, fpr
}

// minCalibSet is the smallest calibration set that constrains a threshold,
// and perSetFPR the rate no such set may exceed (the pooled rate is the
// per-mode target).
const (
	minCalibSet = 20
	perSetFPR   = 0.03
)

// thresholdFor returns the lowest threshold that flags at most a share
// rate of the scores n.
func thresholdFor(n []float64, rate float64) float64 {
	n = append([]float64(nil), n...)
	sort.Float64s(n)
	allowed := int(math.Floor(rate * float64(len(n))))
	idx := len(n) - 1 - allowed
	if idx < 0 {
		return 0
	}
	// Just above the negative at idx, in the float32 the model stores.
	return float64(math.Nextafter32(float32(n[idx]), 2))
}

// windowCount is len(windowSpans(n, w)), without building the list.
func windowCount(n, w int) int {
	if n <= w+w/2 {
		return 1
	}
	step := w / 2
	return (n-w+step-1)/step + 1
}

// windowSpans lists the windows scoreWindows uses for a text of n bytes.
func windowSpans(n, w int) [][2]int {
	if n <= w+w/2 {
		return [][2]int{{0, n}}
	}
	var out [][2]int
	for a := 0; ; a += w / 2 {
		if a+w >= n {
			out = append(out, [2]int{max(0, n-w), n})
			return out
		}
		out = append(out, [2]int{a, a + w})
	}
}

func exMode(e TrainExample) int {
	if e.Context {
		return modeContext
	}
	return modePrompt
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

type splitmix uint64

func (s *splitmix) next() uint64 {
	*s += 0x9E3779B97F4A7C15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// roundTrip quantises m through the file format.
func roundTrip(m *Model) (*Model, error) {
	var buf bytes.Buffer
	if err := WriteModel(&buf, m); err != nil {
		return nil, err
	}
	return ReadModel(&buf)
}
