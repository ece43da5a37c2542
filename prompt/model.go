package prompt

import (
	"bytes"
	"compress/flate"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// Model is the hashed-feature logistic-regression classifier.
type Model struct {
	Bits   int        // log2 of the number of weight buckets
	Window int        // bytes of normalised text per scoring window
	Bias   [3]float32 // shared, prompt, context
	// Threshold is the calibrated decision threshold per mode, indexed by
	// modePrompt and modeContext.
	Threshold [3]float32
	W         []float32
}

// Modes index Bias and Threshold.
const (
	modeShared  = 0
	modePrompt  = 1
	modeContext = 2
)

//go:embed model.bin
var modeBin []byte

// DefaultModel returns the shipped classifier, decoded once.
var DefaultModel = sync.OnceValues(func() (*Model, error) {
	m, err := ReadModel(bytes.NewReader(modeBin))
	if err != nil {
		return nil, fmt.Errorf("embedded model: %w", err)
	}
	return m, nil
})

const modelMagic = "APM1"

// WriteModel writes m in the compact format: a header, then the weights
// quantised to int16 and deflated (most buckets are zero). The output is a
// pure function of m, so retraining on the same data gives the same bytes.
func WriteModel(w io.Writer, m *Model) error {
	var hdr bytes.Buffer
	hdr.WriteString(modelMagic)
	maxAbs := float32(0)
	for _, x := range m.W {
		maxAbs = max(maxAbs, float32(math.Abs(float64(x))))
	}
	scale := maxAbs / 32767
	if scale == 0 {
		scale = 1
	}
	for _, v := range []any{uint8(m.Bits), uint32(m.Window), m.Bias, m.Threshold, scale} {
		if err := binary.Write(&hdr, binary.LittleEndian, v); err != nil {
			return err
		}
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	fw, err := flate.NewWriter(w, flate.BestCompression)
	if err != nil {
		return err
	}
	q := make([]byte, 2*len(m.W))
	for i, x := range m.W {
		binary.LittleEndian.PutUint16(q[2*i:], uint16(int16(math.Round(float64(x/scale)))))
	}
	if _, err := fw.Write(q); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := fw.Close(); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	return nil
}

// ReadModel reads a model written by WriteModel.
func ReadModel(r io.Reader) (*Model, error) {
	magic := make([]byte, 4)
	if _, err := io.ReadFull(r, magic); err != nil {
		return nil, fmt.Errorf("read model header: %w", err)
	}
	if string(magic) != modelMagic {
		return nil, errors.New("not an airlock prompt model (bad magic)")
	}
	var bits uint8
	var window uint32
	var scale float32
	m := &Model{}
	for _, v := range []any{&bits, &window, &m.Bias, &m.Threshold, &scale} {
		if err := binary.Read(r, binary.LittleEndian, v); err != nil {
			return nil, fmt.Errorf("read model header: %w", err)
		}
	}
	if bits < 10 || bits > 24 || window < 64 {
		return nil, fmt.Errorf("model header out of range (bits %d, window %d)", bits, window)
	}
	m.Bits, m.Window = int(bits), int(window)
	q := make([]byte, 2<<bits)
	if _, err := io.ReadFull(flate.NewReader(r), q); err != nil {
		return nil, fmt.Errorf("read model weights: %w", err)
	}
	m.W = make([]float32, 1<<bits)
	for i := range m.W {
		m.W[i] = float32(int16(binary.LittleEndian.Uint16(q[2*i:]))) * scale
	}
	return m, nil
}

// WindowScore is the classifier's probability for one window of the
// normalised text.
type WindowScore struct {
	Start, End int // normalised byte offsets
	P          float64
}

// scoreWindows scores t in overlapping windows of m.Window bytes (stride
// half a window, the last window flush with the end) and returns every
// window's probability. feats is scratch space.
func (m *Model) scoreWindows(t string, mode int, feats []feature) ([]WindowScore, []feature) {
	n := len(t)
	if n == 0 {
		return nil, feats
	}
	mask := uint32(1)<<m.Bits - 1
	seed := modeSeed[mode]
	// Prefix sums of weight and feature count by position.
	buf := scorePool.Get().(*scoreBuf)
	defer scorePool.Put(buf)
	if cap(buf.sum) < n+1 {
		buf.sum = make([]float32, n+1)
		buf.cnt = make([]int32, n+1)
	}
	sum, cnt := buf.sum[:n+1], buf.cnt[:n+1]
	clear(sum)
	clear(cnt)
	w := m.W
	forFeatures(t, func(pos int, h uint32) {
		sum[pos+1] += w[h&mask] + w[mix(h^seed)&mask]
		cnt[pos+1] += 2
	})
	for i := 1; i <= n; i++ {
		sum[i] += sum[i-1]
		cnt[i] += cnt[i-1]
	}
	if cnt[n] == 0 {
		return nil, feats
	}
	bias := float64(m.Bias[modeShared] + m.Bias[mode])
	score := func(a, b int) WindowScore {
		c := cnt[b] - cnt[a]
		z := bias
		if c > 0 {
			z += float64(sum[b]-sum[a]) / math.Sqrt(float64(c))
		}
		return WindowScore{Start: a, End: b, P: sigmoid(z)}
	}
	var out []WindowScore
	for _, sp := range windowSpans(n, m.Window) {
		out = append(out, score(sp[0], sp[1]))
	}
	return out, feats
}

type scoreBuf struct {
	sum []float32
	cnt []int32
}

// scorePool recycles the prefix-sum buffers: a check allocates almost
// nothing per byte.
var scorePool = sync.Pool{New: func() any { return new(scoreBuf) }}

func sigmoid(z float64) float64 {
	if z < -30 {
		return 0
	}
	if z > 30 {
		return 1
	}
	return 1 / (1 + math.Exp(-z))
}
