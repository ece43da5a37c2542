package eval

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteCodeText writes the report as tables for people.
func WriteCodeText(w io.Writer, rep *CodeReport) error {
	ew := &codeErrWriter{w: w}
	langs := make([]string, 0, len(rep.RulesByLang))
	for l, n := range rep.RulesByLang {
		langs = append(langs, fmt.Sprintf("%s %d", l, n))
	}
	sort.Strings(langs)
	fmt.Fprintf(ew, "rules: %d (%s) + secrets detector\n\n", rep.Rules, strings.Join(langs, ", "))

	if len(rep.Sets) > 0 {
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "set\tlanguage\tengine\tpositives\tTPR\tstrict/CWE TPR\tnegatives\tFPR\tpairs disc.\tparse err\tlines\tlines/cpu-s\t")
		for _, s := range rep.Sets {
			strict := "-"
			switch {
			case s.StrictTP > 0 || strings.HasPrefix(s.Set, "cyberseceval"):
				strict = codePct(s.StrictTPR) + " strict"
			case s.Positives > 0:
				strict = codePct(s.CWETPR) + " cwe"
			}
			neg, fpr := "-", "-"
			if s.Negatives > 0 {
				neg, fpr = fmt.Sprint(s.Negatives), codePct(s.FPR)
			}
			pos, tpr := "-", "-"
			if s.Positives > 0 {
				pos, tpr = fmt.Sprint(s.Positives), codePct(s.TPR)
			}
			disc := "-"
			if s.Pairs > 0 {
				disc = fmt.Sprintf("%d/%d", s.Discriminated, s.Pairs)
			}
			eng := "yes"
			if !s.Engine {
				eng = "secrets only"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%.0f\t\n",
				s.Set, s.Language, eng, pos, tpr, strict, neg, fpr, disc, s.ParseErrors, s.Lines, s.LinesPerCPUSecond)
		}
		tw.Flush()
		fmt.Fprintln(ew)
	}

	for _, s := range rep.Sets {
		if len(s.Misses) == 0 {
			continue
		}
		fmt.Fprintf(ew, "missed in %s (%s), first %d:\n", s.Set, s.Language, len(s.Misses))
		for _, m := range s.Misses {
			fmt.Fprintf(ew, "  %s\n", m)
		}
		fmt.Fprintln(ew)
	}

	if len(rep.Gosec) > 0 {
		fmt.Fprintln(ew, "gosec samples by rule (covered = Airlock has a rule written for the vulnerability, listed under \"airlock rules\"; type/SSA = gosec needs type, SSA or taint information):")
		for _, needs := range []bool{false, true} {
			tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
			if needs {
				fmt.Fprintln(ew, "\n  rules needing type/SSA information:")
			}
			fmt.Fprintln(tw, "  rule\twhat\tcovered\tpos\tTPR\tCWE TPR\tneg\tFPR\tairlock rules")
			var pos, tp, neg, fp int
			for _, f := range rep.Gosec {
				if f.NeedsTypes != needs {
					continue
				}
				fmt.Fprintf(tw, "  %s\t%s\t%v\t%d\t%s\t%s\t%d\t%s\t%s\n", f.Rule, f.What, f.Covered, f.Positives, codePct(f.TPR), codePct(codeRate(f.CWETP, f.Positives)), f.Negatives, codePct(f.FPR), strings.Join(f.AirlockRules, " "))
				if f.Covered {
					pos, tp, neg, fp = pos+f.Positives, tp+f.TP, neg+f.Negatives, fp+f.FP
				}
			}
			fmt.Fprintf(tw, "  covered total\t\t\t%d\t%s\t\t%d\t%s\n", pos, codePct(codeRate(tp, pos)), neg, codePct(codeRate(fp, neg)))
			tw.Flush()
		}
		fmt.Fprintln(ew)
	}

	if o := rep.OWASP; o != nil {
		fmt.Fprintln(ew, "OWASP Benchmark Python (predicted vulnerable = finding with the category's CWE in the test file):")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  category\tCWE\tTP\tFN\tFP\tTN\tTPR\tFPR\tscore")
		for _, c := range o.Categories {
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%+.1f\n", c.Category, c.CWE, c.TP, c.FN, c.FP, c.TN, codePct(c.TPR), codePct(c.FPR), 100*c.Score)
		}
		fmt.Fprintf(tw, "  mean\t\t\t\t\t\t%s\t%s\t%+.1f\n", codePct(o.MeanTPR), codePct(o.MeanFPR), 100*o.Score)
		tw.Flush()
		fmt.Fprintln(ew)
	}

	if len(rep.Trees) > 0 {
		fmt.Fprintln(ew, "real code (findings per 1,000 lines):")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "tree\tfiles\tlines\tcritical\thigh\tmedium\tlow\tinfo\thigh+crit/kLOC\tnon-test lines\tnon-test high+crit/kLOC\tparse err\tlines/cpu-s\twall s\t")
		for _, t := range rep.Trees {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.3f\t%d\t%.3f\t%d\t%.0f\t%.1f\t\n", t.Name, t.Files, t.Lines,
				t.BySeverity["critical"], t.BySeverity["high"], t.BySeverity["medium"], t.BySeverity["low"], t.BySeverity["info"],
				t.HighPerKLOC, t.NonTestLines, t.NonTestHighPerKLOC, t.ParseErrors, t.LinesPerCPUSecond, t.Seconds)
		}
		tw.Flush()
		for _, t := range rep.Trees {
			if len(t.TopRules) == 0 {
				continue
			}
			var top []string
			for _, rc := range t.TopRules {
				top = append(top, fmt.Sprintf("%s %d", rc.Rule, rc.Count))
			}
			fmt.Fprintf(ew, "  %s top rules: %s\n", t.Name, strings.Join(top, ", "))
		}
		fmt.Fprintln(ew)
	}

	if len(rep.Samples) > 0 {
		fmt.Fprintf(ew, "random sample of %d high/critical findings on real code, for review:\n", len(rep.Samples))
		for i, s := range rep.Samples {
			f := s.Finding
			test := ""
			if s.Test {
				test = " (test code)"
			}
			fmt.Fprintf(ew, "%3d. [%s] %s %s%s\n     %s\n     %s\n", i+1, f.Severity, f.RuleID, f.Location, test, f.Message, f.Evidence)
		}
		fmt.Fprintln(ew)
	}

	if len(rep.Incomplete) > 0 {
		fmt.Fprintf(ew, "not checked (%d):\n", len(rep.Incomplete))
		for _, s := range rep.Incomplete {
			fmt.Fprintf(ew, "  %s [%s]: %s\n", s.Input, s.Check, s.Reason)
		}
		fmt.Fprintln(ew)
	}
	fmt.Fprintf(ew, "%d lines in %.1fs (%.0f lines/s wall; %.0f lines per CPU-second of scanning)\n",
		rep.Lines, rep.Seconds, rep.LinesPerSecond, rep.LinesPerCPUSecond)
	return ew.err
}

func codePct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// codeErrWriter keeps the first write error so the table code stays linear.
type codeErrWriter struct {
	w   io.Writer
	err error
}

func (e *codeErrWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
