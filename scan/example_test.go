package scan_test

import (
	"context"
	"fmt"

	"github.com/airlockhq/airlock/scan"
)

func Example() {
	rules, err := scan.ParseRules("inline.yaml", []byte(`
rules:
  - id: no-shell
    message: subprocess.$FN runs a shell; pass a list of arguments instead
    severity: ERROR
    languages: [python]
    pattern: subprocess.$FN(..., shell=True, ...)
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	src := []byte("import subprocess as sp\n\nsp.run(\n    'ls ' + d,\n    shell=True,\n)\n")
	findings, err := scan.New(rules).Scan(context.Background(), "app.py", "", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Printf("%s %s: %s\n", f.Location, f.RuleID, f.Message)
		fmt.Println(f.Evidence)
	}
	// Output:
	// app.py:3:1 no-shell: subprocess.run runs a shell; pass a list of arguments instead
	// sp.run(
	//     'ls ' + d,
	//     shell=True,
	// )
}
