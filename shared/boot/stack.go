package boot

// growStack makes the calling goroutine's stack at least 64 KB while it is still shallow.
//
// A goroutine starts on a 2 KB stack (the runtime sizes new stacks from the average it saw at the
// last garbage collection, and a cold start has had none), and each time a call needs more the
// runtime allocates one twice the size and copies the old one over, walking every frame on it to
// adjust its pointers. The cold start's deep goroutines (the first database connection, in which
// modernc's SQLite parses the whole schema; a request that runs its first statements) grew four or
// five times each, deeper every time: 4% of a database function's cold start CPU was stack copying
// (perf, 30 rounds), the frame walks reading function tables no code had touched yet. Placing a 32 KB
// array on the stack first makes the runtime grow it once to 64 KB, with one or two frames to
// adjust. Measured on the schema parse of a fresh process (40 interleaved rounds): 2.01 ms without,
// 1.75 ms with a 16-48 KB frame; a frame of 64 KB or more (a 128 KB stack) is slower again, as
// zeroing and faulting in the larger stack costs more than the copies it saves. On whole cold starts
// (41 interleaved rounds) it took 0.15-0.27 ms of CPU off five of six functions, the authorizer
// included, the wall time within the noise. CockroachDB's util/growstack does the same for its
// storage goroutines.
//
// A call on a stack that already has the room costs one stack check and zeroing the array
// (about a microsecond).
//
//go:noinline
func growStack() {
	var buf [32 << 10]byte
	// Read an element the compiler cannot know, so the array is kept and the frame is this size.
	if buf[stackIndex] != 0 {
		panic("boot: growStack: the array was not zeroed")
	}
}

// stackIndex is a variable so the read in growStack cannot be folded away.
var stackIndex = 32<<10 - 1
