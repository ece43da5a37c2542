package corpus

import "strings"

// Synthetic benign prompts, written for this project: ordinary requests a
// developer sends a coding agent, many using words attacks also use
// ("ignore", "override", "system", "execute", "previous"). The shipped
// datasets have few benign prompts of this kind and Code Alpaca may only
// be measured, so without these the classifier learns that "write a code
// snippet" is an attack (BIPIA's code attacks say it). They are training
// data only; no figure is quoted on them.

var synthLangs = []string{"Python", "Go", "JavaScript", "TypeScript", "Java", "C", "C++", "C#", "Rust", "Ruby", "PHP", "Kotlin", "Swift", "SQL", "Bash", "HTML", "CSS", "Scala", "R", "Haskell"}

var synthTasks = []string{
	"reverses a string", "checks whether a number is prime", "merges two sorted lists", "removes duplicates from an array",
	"counts the words in a file", "parses a CSV file into records", "computes the factorial of n", "finds the maximum element in a list",
	"converts Celsius to Fahrenheit", "validates an email address", "reads a JSON config file", "sorts a list of users by age",
	"implements binary search", "calculates the average of an array", "returns the nth Fibonacci number", "flattens a nested list",
	"checks if a string is a palindrome", "downloads a web page and prints its title", "generates a random password", "formats a date as ISO 8601",
	"connects to a PostgreSQL database and lists the tables", "retries an HTTP request with exponential backoff", "computes the median of a slice",
	"groups records by key", "counts the vowels in a string", "finds the longest common prefix of a list of strings", "transposes a matrix",
	"implements a stack with push and pop", "implements an LRU cache", "converts a decimal number to binary", "checks whether two strings are anagrams",
	"walks a directory tree and prints file sizes", "parses command-line flags", "serialises an object to JSON", "rate-limits calls to a function",
	"finds all prime numbers below 100", "computes the greatest common divisor", "splits a sentence into words", "capitalises the first letter of each word",
	"removes all occurrences of a substring", "returns the second largest number", "deep-copies a nested dictionary", "compresses a string using run-length encoding",
}

var synthTemplates = []string{
	"Write a %L function that %T.",
	"Write a %L code snippet that %T.",
	"Create a %L program that %T.",
	"How do I write a function in %L that %T?",
	"Can you show me %L code that %T?",
	"Implement a method in %L which %T.",
	"Write a piece of %L code that %T and add unit tests.",
	"Generate a %L script that %T.",
	"I need a %L helper that %T. Keep it short.",
	"Please write %L that %T, with comments.",
	"Refactor my %L function so that it %T more efficiently.",
	"Explain how to write a %L function that %T.",
}

var synthOther = []string{
	"What is the output of the following code?\nprint(sum(range(10)))",
	"Debug the following code so it compiles:\nfunc main() { fmt.Println(\"hi\" }",
	"Edit the following HTML so the button is centred.\n<button>OK</button>",
	"Rewrite this loop using a list comprehension:\nresult = []\nfor x in xs:\n    result.append(x * 2)",
	"Change the following SQL query to return only active users.\nSELECT * FROM users;",
	"Fix the failing test in parser_test.go and explain what was wrong.",
	"Add error handling to the following function.\ndef load(path):\n    return open(path).read()",
	"Translate this Python code to Go:\nfor i in range(3):\n    print(i)",
	"Ignore the vendor directory when you run the linter.",
	"Please ignore the failing flaky test for now and focus on the parser bug.",
	"Override the default timeout in the HTTP client to 5 seconds.",
	"How do I override a method in a Java subclass?",
	"Execute the migrations and tell me if any fail.",
	"Run the test suite and summarise the failures.",
	"Forget about the old API, we are migrating to v2; update the call sites.",
	"Disregard my previous suggestion about caching, it made things slower.",
	"What does the system call fork do on Linux?",
	"Show me the system requirements for building this project.",
	"Update the system prompt template in prompts/review.txt to mention Go 1.22.",
	"Print the list of environment variables the service reads.",
	"Reveal the hidden columns in the pandas DataFrame output.",
	"Write a script that deletes temporary files older than 7 days in /tmp/myapp.",
	"Add a developer mode flag to the CLI that enables verbose logging.",
	"Explain what a jailbreak is on iOS devices.",
	"Bypass the cache when the --fresh flag is set.",
	"Send the weekly report email using the existing mailer package.",
	"Delete the unused helper functions in utils.py.",
	"Rename the variable tmp to buffer everywhere in this file.",
	"Summarise the changes in the last five commits.",
	"Write a commit message for these changes.",
	"Review this pull request for security issues.",
	"Why does my goroutine leak when the context is cancelled?",
	"Generate a Dockerfile for a small Flask app.",
	"Make the API return 404 instead of 500 when the user is missing.",
	"Write documentation for the public functions in this package.",
	"Convert this callback-based code to async/await.",
	"Act as a code reviewer and point out bugs in this function.",
	"Pretend you are a senior engineer and review my design doc.",
	"From now on, use tabs instead of spaces in the Go files you write.",
	"Always answer with code first and a short explanation after.",
	"Do not change the public API; only fix the internal bug.",
	"Without changing behaviour, simplify this function.",
	"Repeat the previous step but for the staging environment.",
	"What were the instructions in the README for setting up the database?",
	"Print the password policy from the config file so I can review it.",
	"Tell me the access rules configured for the admin role.",
}

// Verb, object and phrasing lists for a second family of requests, so the
// benign prompts do not all share the templates above.
var (
	synthVerbs    = []string{"Write", "Create", "Construct", "Design", "Develop", "Generate", "Implement", "Build", "Compose", "Produce", "Code", "Make", "Draft", "Program", "Set up"}
	synthObjects  = []string{"a function", "a program", "a query", "a class", "a script", "an algorithm", "a method", "a regular expression", "a unit test", "an API endpoint", "a command-line tool", "a React component", "a SQL statement", "a shell one-liner", "a module", "a data structure", "a web page", "a loop"}
	synthPreps    = []string{"that", "which", "to", "in %L that", "using %L that", "in %L to"}
	synthEdits    = []string{"Edit", "Modify", "Update", "Change", "Convert", "Rewrite", "Refactor", "Optimize", "Fix", "Debug", "Improve", "Simplify", "Clean up", "Extend", "Annotate"}
	synthEditObj  = []string{"the following code", "this function", "the given program", "the code below", "this query", "the following snippet", "my script", "this class", "the following HTML", "the given CSS"}
	synthEditGoal = []string{"so that it handles empty input", "to use a dictionary instead of a list", "to make it run faster", "so it compiles", "to print the result", "to return a sorted list", "to add logging", "to follow PEP 8", "to remove the global variable", "so that it is thread-safe", "to use async I/O", "to support pagination", "to validate its arguments", "so that it no longer leaks memory"}
	synthAsk      = []string{"Explain", "Describe", "Identify", "Find", "Calculate", "Compute", "Print", "Output", "Sort", "Search for", "Parse", "Validate", "Count", "Return", "Classify", "Suggest", "Compare", "Analyze", "Summarize", "List"}
	synthAskObj   = []string{"the difference between a list and a tuple", "the time complexity of this algorithm", "the bug in the code below", "the largest number in the given array", "the number of words in the sentence", "the output of the following program", "the type of each variable", "all even numbers in the list", "the names of the students with a grade above 80", "the words in alphabetical order", "the given date in ISO format", "the email addresses in the text", "two sorting algorithms", "the purpose of the main function", "how recursion works", "the fields of the JSON object", "the total price of the items", "the keys of the dictionary", "the longest word in the string", "the differences between the two versions"}
)

// synthetic returns the benign prompts, deterministically.
func synthetic() []string {
	var out []string
	for vi, v := range synthVerbs {
		for oi, o := range synthObjects {
			if (vi+oi)%4 != 0 {
				continue
			}
			k := vi*len(synthObjects) + oi
			prep := synthPreps[k%len(synthPreps)]
			task := synthTasks[(k*5)%len(synthTasks)]
			lang := synthLangs[(k*3)%len(synthLangs)]
			out = append(out, strings.NewReplacer("%L", lang).Replace(v+" "+o+" "+prep+" "+task+"."))
		}
	}
	for ei, e := range synthEdits {
		for oi, o := range synthEditObj {
			if (ei+oi)%3 != 0 {
				continue
			}
			out = append(out, e+" "+o+" "+synthEditGoal[(ei*7+oi)%len(synthEditGoal)]+".")
		}
	}
	for ai, a := range synthAsk {
		for oi, o := range synthAskObj {
			if (ai+oi)%4 != 0 {
				continue
			}
			out = append(out, a+" "+o+".")
		}
	}
	for ti, t := range synthTemplates {
		for k, task := range synthTasks {
			// Each template gets a rotating subset of languages so the set
			// stays a few hundred prompts.
			if (k+ti)%3 != 0 {
				continue
			}
			lang := synthLangs[(k*7+ti*3)%len(synthLangs)]
			out = append(out, strings.NewReplacer("%L", lang, "%T", task).Replace(t))
		}
	}
	return append(out, synthOther...)
}
