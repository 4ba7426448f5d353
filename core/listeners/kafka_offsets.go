package listeners

// partitionOffsets is what one partition may commit. It is next (after the
// last message read) unless a wanted message waits for its resync: then it
// is that message's offset, so that a consumer restarted before the resync
// ended reads it again.
type partitionOffsets struct {
	committed int64 // offset committed; negative when none
	next      int64 // offset after the last message read; negative before any
	// waiting holds the wanted messages whose resync has not ended, in offset
	// order; request 0 while no resync was asked for them.
	waiting []wantedMessage
}

type wantedMessage struct {
	key     messageKey
	request uint64
}

// messageKey identifies a message read again after a rebalance. Its
// timestamp tells it from another at the same offset of a topic deleted and
// created again.
type messageKey struct {
	partition int
	offset    int64
	time      int64
}

func newPartitionOffsets(assigned int64) *partitionOffsets {
	// The assigned offset is the committed one, or kafka.FirstOffset (-2)
	// for a group that never committed.
	return &partitionOffsets{committed: assigned, next: -1}
}

// read moves past a message; a wanted one waits for request n (0: none yet).
func (p *partitionOffsets) read(key messageKey, wanted bool, n uint64) {
	p.next = key.offset + 1
	if wanted {
		p.waiting = append(p.waiting, wantedMessage{key: key, request: n})
	}
}

func (p *partitionOffsets) unrequested() bool {
	return len(p.waiting) > 0 && p.waiting[len(p.waiting)-1].request == 0
}

// requested covers the waiting messages no request covers yet with request
// n, and returns them.
func (p *partitionOffsets) requested(n uint64) []messageKey {
	var keys []messageKey
	for i := range p.waiting {
		if p.waiting[i].request == 0 {
			p.waiting[i].request = n
			keys = append(keys, p.waiting[i].key)
		}
	}
	return keys
}

// committable is the offset to commit now that requests up to handled were
// dealt with, and whether it moved on from the committed one.
func (p *partitionOffsets) committable(handled uint64) (int64, bool) {
	for len(p.waiting) > 0 && p.waiting[0].request != 0 && p.waiting[0].request <= handled {
		p.waiting = p.waiting[1:]
	}
	at := p.next
	if len(p.waiting) > 0 {
		at = p.waiting[0].key.offset
	}
	return at, at >= 0 && at > p.committed
}
