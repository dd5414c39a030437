// This file holds the report the view serves as JSON: a snapshot of the
// system in the page's terms, with rates between two snapshots.

package observe

import (
	"time"

	"github.com/murmur-go/murmur/actor"
)

// report is what /api/snapshot and each server-sent event hold.
type report struct {
	Time        time.Time    `json:"time"`
	Node        string       `json:"node"`
	Actors      int          `json:"actors"`
	Running     int          `json:"running"`
	Queued      int          `json:"queued"`
	Rate        float64      `json:"rate"` // messages processed per second, by the live actors
	DeadLetters uint64       `json:"deadLetters"`
	Scripts     []scriptRow  `json:"scripts"`
	TopQueued   []actorRow   `json:"topQueued"`
	TopMessages []actorRow   `json:"topMessages"`
	TopFailures []actorRow   `json:"topFailures"`
	Search      string       `json:"search"`
	Found       []actorRow   `json:"found"`
	Under       string       `json:"under"`
	Children    []actorRow   `json:"children"`
	Pools       []poolRow    `json:"pools"`
	Peers       []peerRow    `json:"peers"`
	History     []point      `json:"history"`
	Failures    []failure    `json:"failures"`
	DeadLog     []deadLetter `json:"deadLog"`
}

type scriptRow struct {
	Script     string  `json:"script"`
	Actors     int     `json:"actors"`
	Running    int     `json:"running"`
	Restarting int     `json:"restarting"`
	Queued     int     `json:"queued"`
	Processed  uint64  `json:"processed"`
	Rate       float64 `json:"rate"`
	Failures   int     `json:"failures"`
}

type actorRow struct {
	ID        string `json:"id"`
	Node      string `json:"node"`
	Parent    string `json:"parent"`
	Script    string `json:"script"`
	State     string `json:"state"`
	Queued    int    `json:"queued"`
	Processed uint64 `json:"processed"`
	Children  int    `json:"children"`
	Failures  int    `json:"failures"`
}

type poolRow struct {
	ID      string `json:"id"`
	Script  string `json:"script"`
	Routing string `json:"routing"`
	Workers int    `json:"workers"`
	Busy    int    `json:"busy"`
	Queued  int    `json:"queued"`
	Remote  int    `json:"remote"`
}

type peerRow struct {
	Node  string `json:"node"`
	State string `json:"state"`
}

// report describes snap, with rates since prev (zero for the first).
func (v *View) report(snap, prev actor.Snapshot) *report {
	r := &report{Time: snap.Time, Node: snap.Node, Actors: snap.Actors, Running: snap.Running, Queued: snap.Queued,
		DeadLetters: snap.DeadLetters}
	dt := snap.Time.Sub(prev.Time).Seconds()
	rate := func(now, before uint64) float64 {
		if prev.Time.IsZero() || dt <= 0 || now < before { // actors that stopped take their counts with them
			return 0
		}
		return float64(now-before) / dt
	}
	r.Rate = rate(snap.Processed, prev.Processed)
	before := map[string]uint64{}
	for _, sc := range prev.Scripts {
		before[sc.Script] = sc.Processed
	}
	for _, sc := range snap.Scripts {
		r.Scripts = append(r.Scripts, scriptRow{Script: sc.Script, Actors: sc.Actors, Running: sc.Running, Restarting: sc.Restarting,
			Queued: sc.Queued, Processed: sc.Processed, Rate: rate(sc.Processed, before[sc.Script]), Failures: sc.Failures})
	}
	r.TopQueued, r.TopMessages, r.TopFailures = rows(snap.TopQueued), rows(snap.TopMessages), rows(snap.TopFailures)
	r.Found, r.Children = rows(snap.Found), rows(snap.Children)
	for _, p := range snap.Pools {
		r.Pools = append(r.Pools, poolRow{ID: p.Address.ID, Script: p.Script, Routing: p.Routing, Workers: p.Workers,
			Busy: p.Busy, Queued: p.Queued, Remote: p.Remote})
	}
	for _, p := range snap.Peers {
		r.Peers = append(r.Peers, peerRow(p))
	}
	return r
}

func rows(as []actor.ActorSnapshot) []actorRow {
	out := make([]actorRow, 0, len(as))
	for _, a := range as {
		out = append(out, actorRow{ID: a.Address.ID, Node: a.Address.Node, Parent: a.Parent, Script: a.Script, State: a.State,
			Queued: a.Queued, Processed: a.Processed, Children: a.Children, Failures: a.Failures})
	}
	return out
}
