module example.com/app

go 1.22

require (
	github.com/spf13/cobra v1.8.0
	golang.org/x/text v0.14.0 // indirect
)

require example.com/local v0.0.0

replace example.com/local => ../local
