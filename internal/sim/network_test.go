package sim

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// msg is a test message; id makes each send distinguishable.
type msg struct {
	id   int
	hops int
}

// gossip runs a small faulty simulation: nodes forward what they receive,
// the network is partitioned and healed mid-run, and a node goes down for a
// while. It returns the full trace and the stats.
func gossip(seed uint64) ([]string, Stats) {
	clock := NewClock(epoch)
	rng := NewRand(seed)
	tr := NewTrace(100000)
	var net *Network[msg]
	next := 0
	net = NewNetwork(clock, rng, 5, func(to, from int, m msg) {
		tr.Logf("%v node %d handles %v", clock.Elapsed(), to, m)
		if m.hops < 3 && rng.IntN(2) == 0 {
			next++
			net.Send(to, rng.IntN(net.Nodes()), msg{next, m.hops + 1})
		}
	})
	net.SetTrace(tr.Logf)
	net.SetFaults(Faults{DropRate: 0.2, DupRate: 0.2, MinDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond})
	clock.AfterFunc(20*time.Millisecond, func() { net.Partition([]int{0, 1}, []int{2}) })
	clock.AfterFunc(30*time.Millisecond, func() { net.SetDown(3, true) })
	clock.AfterFunc(60*time.Millisecond, func() { net.Heal(); net.SetDown(3, false) })
	for i := range 20 {
		clock.AfterFunc(time.Duration(i)*5*time.Millisecond, func() {
			next++
			net.Broadcast(i%5, msg{next, 0})
		})
	}
	if _, ok := clock.RunUntilQuiet(100000); !ok {
		panic("gossip did not go quiet")
	}
	return tr.Lines(), net.Stats()
}

func TestSameSeedSameRun(t *testing.T) {
	for seed := range uint64(5) {
		lines1, stats1 := gossip(seed)
		lines2, stats2 := gossip(seed)
		if !slices.Equal(lines1, lines2) || stats1 != stats2 {
			t.Fatalf("seed %d: runs differ: %+v vs %+v", seed, stats1, stats2)
		}
		if stats1.Dropped == 0 || stats1.Duplicated == 0 || stats1.Delivered == 0 {
			t.Fatalf("seed %d: scenario exercised too little: %+v", seed, stats1)
		}
	}
}

func TestDifferentSeedsDiffer(t *testing.T) {
	lines1, _ := gossip(1)
	lines2, _ := gossip(2)
	if slices.Equal(lines1, lines2) {
		t.Fatal("seeds 1 and 2 produced the same trace")
	}
}

// recorder is a network whose deliveries are collected as "from->to:id".
func recorder(seed uint64, n int) (*Clock, *Network[int], *[]string) {
	clock := NewClock(epoch)
	var got []string
	net := NewNetwork(clock, NewRand(seed), n, func(to, from, id int) {
		got = append(got, fmt.Sprintf("%d->%d:%d", from, to, id))
	})
	return clock, net, &got
}

func TestDropAll(t *testing.T) {
	clock, net, got := recorder(1, 3)
	net.SetFaults(Faults{DropRate: 1, DupRate: 1})
	for i := range 50 {
		net.Broadcast(i%3, i)
	}
	clock.RunUntilQuiet(1000)
	if st := net.Stats(); len(*got) != 0 || st.Sent != 100 || st.Dropped != 100 || st.Delivered != 0 {
		t.Fatalf("delivered %v with every message dropped; stats %+v", *got, st)
	}
}

func TestDuplicates(t *testing.T) {
	clock, net, got := recorder(1, 2)
	net.SetFaults(Faults{DupRate: 1})
	net.Send(0, 1, 7)
	clock.RunUntilQuiet(10)
	if want := []string{"0->1:7", "0->1:7"}; !slices.Equal(*got, want) {
		t.Fatalf("delivered %v, want %v", *got, want)
	}
	if st := net.Stats(); st != (Stats{Sent: 1, Delivered: 2, Duplicated: 1}) {
		t.Fatalf("stats %+v", st)
	}
}

func TestPerfectNetworkKeepsOrder(t *testing.T) {
	clock, net, got := recorder(1, 2)
	for i := range 5 {
		net.Send(0, 1, i)
	}
	if len(*got) != 0 {
		t.Fatal("Send delivered inline")
	}
	clock.RunUntilQuiet(10)
	want := []string{"0->1:0", "0->1:1", "0->1:2", "0->1:3", "0->1:4"}
	if !slices.Equal(*got, want) || clock.Elapsed() != 0 {
		t.Fatalf("delivered %v at %v, want %v at 0", *got, clock.Elapsed(), want)
	}
}

func TestPartitionAndHeal(t *testing.T) {
	clock, net, got := recorder(1, 4)
	net.Partition([]int{0, 1}) // 2 and 3 form the remaining group
	for from := range 4 {
		net.Broadcast(from, from)
	}
	clock.RunUntilQuiet(100)
	want := []string{"0->1:0", "1->0:1", "2->3:2", "3->2:3"}
	if !slices.Equal(*got, want) {
		t.Fatalf("partitioned: delivered %v, want %v", *got, want)
	}

	// Cut at delivery: in flight when the partition starts.
	*got = nil
	net.Heal()
	net.SetFaults(Faults{MinDelay: time.Second})
	net.Send(0, 2, 9)
	clock.AfterFunc(time.Millisecond, func() { net.Isolate(2) })
	clock.RunUntilQuiet(100)
	if len(*got) != 0 {
		t.Fatalf("delivered %v across a partition made in flight", *got)
	}

	net.Heal()
	net.SetFaults(Faults{})
	net.Broadcast(2, 5)
	clock.RunUntilQuiet(100)
	if want := []string{"2->0:5", "2->1:5", "2->3:5"}; !slices.Equal(*got, want) {
		t.Fatalf("healed: delivered %v, want %v", *got, want)
	}
}

func TestDownNode(t *testing.T) {
	clock, net, got := recorder(1, 3)
	net.SetFaults(Faults{MinDelay: time.Second})
	net.Send(0, 1, 1) // in flight when 1 goes down: dropped at delivery
	net.Send(1, 2, 2) // sent before 1 went down: still delivered
	net.SetDown(1, true)
	net.Send(0, 1, 3) // to a down node
	net.Send(1, 0, 4) // from a down node
	clock.RunUntilQuiet(100)
	if want := []string{"1->2:2"}; !slices.Equal(*got, want) {
		t.Fatalf("delivered %v, want %v", *got, want)
	}
	net.SetDown(1, false)
	net.Send(0, 1, 5)
	clock.RunUntilQuiet(100)
	if want := []string{"1->2:2", "0->1:5"}; !slices.Equal(*got, want) {
		t.Fatalf("after coming up: delivered %v, want %v", *got, want)
	}
}

// TestNoInventionAndExactlyOnceAfterHealing runs random faults, partitions
// and crashes over many seeds, then clears them all and sends more.
// Everything delivered must have been sent, from and to the nodes it names,
// at most twice; everything sent after clearing arrives exactly once.
func TestNoInventionAndExactlyOnceAfterHealing(t *testing.T) {
	for seed := range uint64(300) {
		clock := NewClock(epoch)
		rng := NewRand(seed)
		tr := NewTrace(200)
		const nodes = 5
		type route struct{ from, to int }
		var sent []route // by message id
		var delivered []int
		fail := func(format string, args ...any) {
			t.Helper()
			tr.Dump(t.Log)
			t.Fatalf("seed %d: "+format, append([]any{seed}, args...)...)
		}
		net := NewNetwork(clock, NewRand(seed+1<<32), nodes, func(to, from, id int) {
			if id < 0 || id >= len(sent) || sent[id] != (route{from, to}) {
				fail("delivered %d->%d:%d, never sent", from, to, id)
			}
			delivered[id]++
		})
		net.SetTrace(tr.Logf)
		send := func(from, to int) {
			id := len(sent)
			sent = append(sent, route{from, to})
			delivered = append(delivered, 0)
			net.Send(from, to, id)
		}
		for range 200 {
			switch rng.IntN(10) {
			case 0:
				net.SetFaults(Faults{
					DropRate: rng.Float64(), DupRate: rng.Float64(),
					MaxDelay: time.Duration(rng.IntN(100)) * time.Millisecond,
				})
			case 1:
				perm := rng.Perm(nodes)
				k := 1 + rng.IntN(nodes-1)
				net.Partition(perm[:k], perm[k:])
			case 2:
				net.SetDown(rng.IntN(nodes), rng.IntN(2) == 0)
			case 3:
				net.Isolate(rng.IntN(nodes))
			case 4:
				net.Heal()
			default:
				send(rng.IntN(nodes), rng.IntN(nodes))
			}
			clock.Advance(time.Duration(rng.IntN(20)) * time.Millisecond)
		}

		net.SetFaults(Faults{MaxDelay: time.Duration(rng.IntN(100)) * time.Millisecond})
		net.Heal()
		for i := range nodes {
			net.SetDown(i, false)
		}
		first := len(sent)
		for range 100 {
			send(rng.IntN(nodes), rng.IntN(nodes))
		}
		if _, ok := clock.RunUntilQuiet(100000); !ok {
			fail("not quiet")
		}
		for id, n := range delivered {
			if n > 2 || (id >= first && n != 1) {
				fail("message %d delivered %d times", id, n)
			}
		}
		if st := net.Stats(); st.Sent != len(sent) || st.Sent+st.Duplicated != st.Delivered+st.Dropped {
			fail("stats %+v do not add up over %d sends", st, len(sent))
		}
	}
}
