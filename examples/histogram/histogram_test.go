// Package histogram is an example of numeric work on typed arrays, split
// over a pool by moving chunks of memory, run as `murmur run` runs it.
package histogram

import (
	"regexp"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/examples/internal/scripttest"
)

func TestHistogram(t *testing.T) {
	out := scripttest.Command(t, "100000", "2")
	// The counts are exact (main.star also checks them against the same
	// histogram computed on lists); the times vary by machine and are not
	// checked here.
	want := `100000 samples, mean 1.50, in [0.00, 2.90]
0.00-0.20     191 
0.20-0.40    1053 ##
0.40-0.60    2061 #####
0.60-0.80    4720 ############
0.80-1.00    8856 #######################
1.00-1.20   12137 ###############################
1.20-1.40   13263 ##################################
1.40-1.60   15241 ########################################
1.60-1.80   14586 ######################################
1.80-2.00   11010 ############################
2.00-2.20    7673 ####################
2.20-2.40    5683 ##############
2.40-2.60    2699 #######
2.60-2.80     693 #
2.80-3.00     134 
`
	lines, last, _ := strings.Cut(out, "typed arrays")
	if lines != want {
		t.Errorf("histogram:\n%s\nwant:\n%s", lines, want)
	}
	if !regexp.MustCompile(`^, 2 workers: \d+\.\d\ds; lists in one actor: \d+\.\d\ds \(\d+\.\d\dx\)\n$`).MatchString(last) {
		t.Errorf("last line: typed arrays%s", last)
	}
}
