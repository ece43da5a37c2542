package secrets_test

import (
	"fmt"

	"github.com/airlockhq/airlock/secrets"
)

func ExampleScan() {
	src := []byte(`import os

DATABASE_URL = "postgres://app:Zq8w!rT3vK@db.internal:5432/app"
GITHUB_TOKEN = "ghp_hGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rES"
API_KEY = os.environ["API_KEY"]
password = "changeme"
`)
	for _, f := range secrets.Scan("app/settings.py", src) {
		fmt.Println(f.Location, f.Severity, f.RuleID)
		fmt.Println("  ", f.Evidence)
	}
	// Output:
	// app/settings.py:3:32 high secrets.database-url-password
	//    DATABASE_URL = "postgres://app:Zq8w…REDACTED@db.internal:5432/app"
	// app/settings.py:4:17 critical secrets.github-token
	//    GITHUB_TOKEN = "ghp_…REDACTED"
}

func ExampleRedact() {
	fmt.Println(secrets.Redact(`curl -H "Authorization: Bearer Yk9tR2xWc3pQbnE4ZkJ3VDFoWmM2" https://api.test/`))
	fmt.Println(secrets.Redact("export AWS_ACCESS_KEY_ID=AKIAUJZDEGXDNCF32EPF"))
	// Output:
	// curl -H "Authorization: Bearer Yk9t…REDACTED" https://api.test/
	// export AWS_ACCESS_KEY_ID=AKIA…REDACTED
}
