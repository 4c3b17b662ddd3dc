package orderstamp

// std backs the package-level functions: global math/rand/v2 randomness and
// time.Now.
var std = New(nil, nil)

// Start returns a stamp before every earlier Start stamp and every End
// stamp; see Generator.Start.
func Start() string { return std.Start() }

// End returns a stamp after every earlier End stamp, including those of
// earlier processes; see Generator.End.
func End() string { return std.End() }

// From returns a stamp that sorts by n; see Generator.From.
func From(n float64) string { return std.From(n) }

// Between returns a stamp strictly between a and b; see Generator.Between.
func Between(a, b string) string { return std.Between(a, b) }

// BetweenN returns stamp i of n evenly spread, strictly increasing stamps
// between a and b; see Generator.BetweenN.
func BetweenN(a, b string, n, i int) string { return std.BetweenN(a, b, n, i) }
