package main

import (
	"math/rand/v2"
	"time"
)

// bootstrapResamples is how many resamples ratioInterval draws.
const bootstrapResamples = 2000

// ratioInterval returns the 95% bootstrap interval of median(fn) / median(hello), the ratio the budget
// judges, so a reader can tell a function over its budget from one within this VM's noise of it. The
// rounds are resampled with replacement, the same rounds for both sides: each round ran the
// hello-world and every function one after the other, so a slow moment of the machine weighs on
// both. The seed is fixed, so the same samples give the same interval. It returns zeros without
// samples.
func ratioInterval(fn, hello []time.Duration) (lo, hi float64) {
	n := min(len(fn), len(hello))
	if n == 0 {
		return 0, 0
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ratios := make([]float64, bootstrapResamples)
	a, b := make([]time.Duration, n), make([]time.Duration, n)
	for i := range ratios {
		for j := range n {
			k := rng.IntN(n)
			a[j], b[j] = fn[k], hello[k]
		}
		if h := percentile(b, 0.5); h > 0 {
			ratios[i] = float64(percentile(a, 0.5)) / float64(h)
		}
	}
	return percentile(ratios, 0.025), percentile(ratios, 0.975)
}
