package intent

import (
	"context"
	"testing"
)

// BenchmarkExtract measures static extraction per language on the
// changed files of the corpus (parse + walk + classification).
func BenchmarkExtract(b *testing.B) {
	cases, err := LoadCorpus("testdata/corpus")
	if err != nil {
		b.Fatal(err)
	}
	byLang := map[string][]File{}
	for _, c := range cases {
		for _, f := range c.Change {
			l := LanguageOf(f.Path, f.Content)
			byLang[l] = append(byLang[l], f)
		}
	}
	for _, lang := range []string{Python, JavaScript, TypeScript, Go, Java, Shell} {
		files := byLang[lang]
		if len(files) == 0 {
			continue
		}
		var size int64
		for _, f := range files {
			size += int64(len(f.Content))
		}
		b.Run(lang, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range files {
					if _, err := Extract(context.Background(), f.Path, f.Content); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files))/1e3, "µs/file")
		})
	}
}

// BenchmarkCorpus measures a whole check (task parsing, baseline,
// extraction, comparison) per case.
func BenchmarkCorpus(b *testing.B) {
	cases, err := LoadCorpus("testdata/corpus")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Evaluate(context.Background(), cases); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cases))/1e3, "µs/case")
}
