//go:build ignore

// This file is test input for the rules next to it, not part of the build.

package sample

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"os/exec"
	run "os/exec"
)

func commands(ctx context.Context, name string) {
	// ruleid: go-exec-shell-c
	exec.Command("sh", "-c", "ls "+name).Run()
	// ruleid: go-exec-shell-c
	_ = run.CommandContext(ctx, "/bin/bash", "-c",
		fmt.Sprintf("grep %s /etc/passwd", name))
	// ok: go-exec-shell-c
	exec.Command("sh", "-c", "uptime").Run()
	// ok: go-exec-shell-c
	exec.Command("ls", "-l", name).Run()
	// exec.Command("sh", "-c", name) in a comment is not code
	_ = `exec.Command("sh", "-c", name)`
}

func queries(ctx context.Context, db *sql.DB, id string) {
	// ruleid: go-sql-string-built
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE id = '%s'", id))
	// ruleid: go-sql-string-built
	db.ExecContext(ctx, "DELETE FROM users WHERE id = "+id)
	// ok: go-sql-string-built
	db.QueryRow("SELECT * FROM users WHERE id = $1", id)
	// ok: go-sql-string-built
	fmt.Println(fmt.Sprintf("id=%s", id))
}

func page(comment string) template.HTML {
	// ok: go-template-unescaped
	_ = template.HTML("<b>static</b>")
	// ruleid: go-template-unescaped
	return template.HTML(comment)
}
