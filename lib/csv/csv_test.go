// Tests of the csv module: reading, writing, round trips, bad input.

package csv_test

import (
	"fmt"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/lib/csv"
)

func eval(expr string) (starlark.Value, error) {
	return starlark.EvalOptions(&syntax.FileOptions{}, &starlark.Thread{}, "expr.star", expr, starlark.StringDict{"csv": csv.Module})
}

var answers = []struct{ expr, want string }{
	{`csv.read("a,b,c\n1,2,3\n")`, `[["a", "b", "c"], ["1", "2", "3"]]`},
	{`csv.read("a,b\r\n1,2")`, `[["a", "b"], ["1", "2"]]`},
	{`csv.read(b"a,b\n")`, `[["a", "b"]]`},
	{`csv.read("")`, `[]`},
	{`csv.read("a\n\n\nb\n")`, `[["a"], ["b"]]`},
	{`csv.read("a,b\n1\n1,2,3\n")`, `[["a", "b"], ["1"], ["1", "2", "3"]]`},
	{`csv.read("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n")`, `[["a,b", "say \"hi\"", "two\nlines"]]`},
	{`csv.read("\"x\r\ny\"\n")`, `[["x\ny"]]`},
	{`csv.read(",\n")`, `[["", ""]]`},
	{`csv.read("\"\"\n")`, `[[""]]`},
	{`csv.read(" a , b \n")`, `[[" a ", " b "]]`},
	{`csv.read("a;b\n1;2\n", delimiter = ";")`, `[["a", "b"], ["1", "2"]]`},
	{`csv.read("a\tb\n", delimiter = "\t")`, `[["a", "b"]]`},
	{`csv.read("a→b\n", delimiter = "→")`, `[["a", "b"]]`},
	{`csv.read("name,age\nann,31\nbob,\n", header = True)`, `[{"name": "ann", "age": "31"}, {"name": "bob", "age": ""}]`},
	{`csv.read("name,age\n", header = True)`, `[]`},
	{`csv.read("", header = True)`, `[]`},
	{`csv.write([["a", "b"], [1, 2.5], [True, None]])`, `"a,b\n1,2.5\nTrue,\n"`},
	{`csv.write([("a,b", "say \"hi\"", "two\nlines", " lead")])`, `"\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\"\n"`},
	{`csv.write([])`, `""`},
	{`csv.write([[""], ["", ""]])`, `"\"\"\n,\n"`},
	{`csv.write([["a", "b"]], delimiter = ";")`, `"a;b\n"`},
	{`csv.write([["a;b", "c"]], delimiter = ";")`, `"\"a;b\";c\n"`},
	{`csv.write([{"age": 31, "name": "ann"}, {"name": "bob"}], header = ["name", "age"])`, `"name,age\nann,31\nbob,\n"`},
	{`csv.write([["x", 1]], header = ("k", "v"))`, `"k,v\nx,1\n"`},
	{`csv.write([[1 << 70, -0.0, 1e20]])`, `"1180591620717411303424,-0.0,1e+20\n"`},
	{`csv.read(csv.write([{"a": "1,2"}], header = ["a"]), header = True)`, `[{"a": "1,2"}]`},
}

func TestAnswers(t *testing.T) {
	for _, c := range answers {
		v, err := eval(c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got := v.String(); got != c.want {
			t.Errorf("%s = %s, want %s", c.expr, got, c.want)
		}
	}
}

var badInput = []struct{ expr, want string }{
	{`csv.read(1)`, `csv.read: got int, want string or bytes`},
	{`csv.read("a\n", delimiter = ";;")`, `csv.read: delimiter must be one character other than a quote, \r or \n, got ";;"`},
	{`csv.read("a\n", delimiter = "")`, `delimiter must be one character`},
	{`csv.read("a\n", delimiter = "\"")`, `delimiter must be one character`},
	{`csv.read("a\n", delimiter = "\n")`, `delimiter must be one character`},
	{`csv.read("a\n", delimiter = "\xff")`, `non-ASCII hex escape`}, // the script's own error
	{`csv.read("a\n", delimiter = 1)`, `csv.read: for parameter "delimiter": got int, want string`},
	{`csv.read("a\n", header = "yes")`, `csv.read: for parameter "header": got string, want bool`},
	{`csv.read("a,b\nc,d\"e\n")`, `csv.read: line 2, column 4: bare " in non-quoted-field`},
	{`csv.read("a,b\nc,\"d\ne\n")`, `csv.read: line 3, column 3: extraneous or missing " in quoted-field (in the record that starts on line 2)`},
	{`csv.read("a,\"b\"c\n")`, `csv.read: line 1, column 5: extraneous or missing " in quoted-field`},
	{`csv.read("a,b,a\n1,2,3\n", header = True)`, `csv.read: line 1: column 3 of the header repeats the name "a" of column 1`},
	{`csv.read("a,b\n1,2\n\n3\n", header = True)`, `csv.read: line 4: 1 fields, but the header has 2`},
	{`csv.write("a,b")`, `csv.write: for parameter rows: got string, want iterable`},
	{`csv.write(["a,b"])`, `csv.write: row 1: got string, want a list or tuple of fields`},
	{`csv.write([["a"], []])`, `csv.write: row 2 has no fields`},
	{`csv.write([["a", [1]]])`, `csv.write: row 1, column 2: got list, want a string, number, bool or None`},
	{`csv.write([["a", b"x"]])`, `csv.write: row 1, column 2: got bytes`},
	{`csv.write([{"a": 1}])`, `csv.write: row 1 is a dict: give header=[names] for the order of its columns`},
	{`csv.write([{"a": 1, "b": 2}], header = ["a"])`, `csv.write: row 1: key "b" is not in the header`},
	{`csv.write([{1: 1}], header = ["a"])`, `csv.write: row 1: key 1 is not in the header`},
	{`csv.write([{"a": {}}], header = ["a"])`, `csv.write: row 1, column 1 ("a"): got dict`},
	{`csv.write([["a"]], header = "a")`, `csv.write: header: got string, want a list of strings`},
	{`csv.write([["a"]], header = ["a", 2])`, `csv.write: header[1]: got int, want string`},
	{`csv.write([["a"]], header = [])`, `csv.write: header is empty`},
	{`csv.write([["a"]], delimiter = "\r")`, `csv.write: delimiter must be one character`},
}

func TestBadInput(t *testing.T) {
	for _, c := range badInput {
		v, err := eval(c.expr)
		if err == nil {
			t.Errorf("%s = %s, want an error containing %q", c.expr, v, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want it to contain %q", c.expr, err, c.want)
		}
	}
}

func Example() {
	const script = `
text = """name,city,visits
ann,"Paris, France",3
bob,Oslo,5
"""
rows = csv.read(text, header = True)
for r in rows:
    r["visits"] = int(r["visits"]) * 2
print(rows[0])
print(csv.write(rows, header = ["name", "visits", "city"]))
`
	thread := &starlark.Thread{Print: func(_ *starlark.Thread, msg string) { fmt.Println(msg) }}
	if _, err := starlark.ExecFileOptions(&syntax.FileOptions{TopLevelControl: true}, thread, "example.star", script, starlark.StringDict{"csv": csv.Module}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"name": "ann", "city": "Paris, France", "visits": 6}
	// name,visits,city
	// ann,6,"Paris, France"
	// bob,10,Oslo
}
