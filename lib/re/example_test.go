// Examples of the re module in a script.

package re_test

import (
	"fmt"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/lib/re"
)

func Example() {
	const script = `
text = "murmur 0.1 shipped 2026-11-29; murmur 0.2 on 2027-01-15"
print(re.findall(r"(\d{4})-(\d\d)-(\d\d)", text))
print(re.findall(r"[a-z]+", text))
m = re.search(r"(?P<name>\w+) (?P<version>\d+\.\d+)", text)
print(m.groupdict(), m.span("version"))
print(re.sub(r"(\d{4})-(\d\d)-(\d\d)", r"\3/\2/\1", text))
print(re.sub(r"murmur", lambda m: m.group().upper(), text, count=1))
version = re.compile(r"\d+\.\d+")          # compiled once, usable from any actor
print([m.span() for m in version.finditer(text)])
`
	thread := &starlark.Thread{Name: "example", Print: func(_ *starlark.Thread, msg string) { fmt.Println(msg) }}
	if _, err := starlark.ExecFile(thread, "example.star", script, starlark.StringDict{"re": re.Module}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// [("2026", "11", "29"), ("2027", "01", "15")]
	// ["murmur", "shipped", "murmur", "on"]
	// {"name": "murmur", "version": "0.1"} (7, 10)
	// murmur 0.1 shipped 29/11/2026; murmur 0.2 on 15/01/2027
	// MURMUR 0.1 shipped 2026-11-29; murmur 0.2 on 2027-01-15
	// [(7, 10), (38, 41)]
}
