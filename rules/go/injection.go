//go:build ignore

// This file is test input for the rules next to it, not part of the build.

package sample

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"os/exec"
	run "os/exec"
	"strings"
	"syscall"

	"github.com/lib/pq"
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

const table = "users"

func queries(ctx context.Context, db *sql.DB, base, id string, n int) {
	// ruleid: go-sql-string-built
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE id = '%s'", id))
	// ruleid: go-sql-string-built
	db.ExecContext(ctx, "DELETE FROM users WHERE id = "+id)
	// ruleid: go-sql-string-built
	db.QueryRow("SELECT name FROM users WHERE id = '" + id + "'").Scan(&id)
	// ok: go-sql-string-built
	db.QueryRow("SELECT * FROM users WHERE id = $1", id)
	// ok: go-sql-string-built
	fmt.Println(fmt.Sprintf("id=%s", id))
	// Numbers cannot carry quotes.
	// ok: go-sql-string-built
	db.Query(fmt.Sprintf("SELECT * FROM users LIMIT %d", n))
	// A constant of this file is not input.
	// ok: go-sql-string-built
	db.Query("SELECT * FROM " + table)
	// ok: go-sql-string-built
	db.Query(fmt.Sprintf("SELECT * FROM %s WHERE id = 1", pq.QuoteIdentifier(id)))
	// A URL with a query string is not SQL.
	// ok: go-sql-string-built
	http.Get(fmt.Sprintf("%s/search?limit=%d&q=%s", base, n, id))
	// A prepared statement's arguments are values, not SQL.
	stmt, _ := db.Prepare("SELECT name FROM users WHERE id = ?")
	// ok: go-sql-string-built
	stmt.QueryRow(fmt.Sprintf("%s", id))
}

func queriesViaVariable(ctx context.Context, db *sql.DB, name string, ids []int) {
	q := fmt.Sprintf("SELECT id FROM users WHERE name = '%s'", name)
	// ruleid: go-sql-query-built-before-call
	rows, _ := db.Query(q)
	_ = rows
	var byName string = "SELECT * FROM users WHERE name = '" + name + "'"
	// ruleid: go-sql-query-built-before-call
	db.QueryRowContext(ctx, byName).Scan(&name)
	stmt := "SELECT id FROM users WHERE name = $1"
	// ok: go-sql-query-built-before-call
	db.Query(stmt, name)
	msg := fmt.Sprintf("looked up %s", name)
	fmt.Println(msg)
	// ok: go-sql-query-built-before-call
	db.Query("SELECT 1")
	limit := fmt.Sprintf("SELECT id FROM users LIMIT %d", len(ids))
	// ok: go-sql-query-built-before-call
	db.Query(limit)
	placeholders := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	in := "SELECT id FROM users WHERE id IN (" + placeholders + ")"
	// ok: go-sql-query-built-before-call
	db.Query(in)

	sqlText := "SELECT * FROM album WHERE id = "
	sqlText += name
	// ruleid: go-sql-query-extended
	db.Query(sqlText)
	byID := "SELECT * FROM album WHERE id = "
	byID = byID + name
	// ruleid: go-sql-query-extended
	db.ExecContext(ctx, byID)
	ordered := "SELECT * FROM album"
	ordered += " ORDER BY id"
	// ok: go-sql-query-extended
	db.Query(ordered)
	logged := "SELECT * FROM album WHERE id = "
	logged += name
	// ok: go-sql-query-extended
	fmt.Println(logged)
}

func userQuery(name string) string {
	// ruleid: go-sql-built-in-helper
	return "SELECT * FROM users WHERE name = '" + name + "'"
}

func countQuery(table string) string {
	// ruleid: go-sql-built-in-helper
	return fmt.Sprintf("SELECT count(*) FROM %s", table)
}

func greeting(name string) string {
	// ok: go-sql-built-in-helper
	return "Select an option, " + name
}

func page(comment string) template.HTML {
	// ok: go-template-unescaped
	_ = template.HTML("<b>static</b>")
	// ruleid: go-template-unescaped
	return template.HTML(comment)
}

func programs(ctx context.Context, path string) {
	// ruleid: go-exec-program-from-input
	exec.CommandContext(ctx, os.Args[0], "child").Run()
	tool := "sleep" + os.Getenv("SUFFIX")
	// ruleid: go-exec-program-from-input
	exec.Command(tool, "5").Run()
	// ruleid: go-exec-program-from-input
	exec.Command(os.Getenv("EDITOR"), path).Run()
	// ok: go-exec-program-from-input
	exec.Command("git", "rev-parse", "HEAD").Run()
	// ok: go-exec-program-from-input
	exec.Command("cp", os.Args[1], os.Args[2]).Run()
	self, _ := os.Executable()
	// ok: go-exec-program-from-input
	exec.Command(self, "child").Run()
	// ruleid: go-syscall-exec-variable
	syscall.Exec(path, []string{path}, nil)
	// ok: go-syscall-exec-variable
	syscall.Exec("/bin/true", []string{"true"}, nil)
}

type savedQuery struct {
	SQL string
}

func rawQueries(ctx context.Context, db *sql.DB, r *http.Request) {
	// ruleid: go-sql-request-data
	db.Query(r.URL.Query().Get("q"))
	stmt := r.FormValue("sql")
	// ruleid: go-sql-request-data
	db.ExecContext(ctx, stmt)
	sq := &savedQuery{SQL: r.FormValue("saved")}
	// ruleid: go-sql-request-data
	db.Query(sq.SQL)
	id := r.FormValue("id")
	// ok: go-sql-request-data
	db.QueryContext(ctx, "SELECT name FROM users WHERE id = $1", id)
	// ok: go-sql-request-data
	db.Query("SELECT name FROM users WHERE id = ?", id)
	pattern := fmt.Sprintf("%%%s%%", id)
	// ok: go-sql-query-built-before-call
	db.Query("SELECT name FROM users WHERE name LIKE ?", pattern)
}
