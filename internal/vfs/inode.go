package vfs

import (
	"io/fs"
	"slices"
	"time"
)

// inode is a file's contents: what a running program reads (data), what
// survived the last Sync (synced), and the changes in between, in order, so a
// crash can replay any prefix of them.
type inode struct {
	data    []byte
	synced  []byte
	pending []change
	mode    fs.FileMode
	modTime time.Time
}

// change is one unsynced write (data != nil) or truncation.
type change struct {
	off      int64
	data     []byte
	truncate bool
}

func (ino *inode) write(off int64, p []byte) {
	ino.data = apply(ino.data, change{off: off, data: p})
	ino.pending = append(ino.pending, change{off: off, data: slices.Clone(p)})
	ino.modTime = time.Now()
}

func (ino *inode) truncate(size int64) {
	c := change{off: size, truncate: true}
	ino.data = apply(ino.data, c)
	ino.pending = append(ino.pending, c)
	ino.modTime = time.Now()
}

func (ino *inode) sync() {
	for _, c := range ino.pending {
		ino.synced = apply(ino.synced, c)
	}
	ino.pending = nil
}

func (ino *inode) info(name string) *fileInfo {
	return &fileInfo{name: name, size: int64(len(ino.data)), mode: ino.mode, modTime: ino.modTime}
}

// apply returns img with c applied. Growing always writes zeros explicitly,
// because bytes cut off by an earlier truncation may linger in img's spare
// capacity.
func apply(img []byte, c change) []byte {
	end := c.off
	if !c.truncate {
		end += int64(len(c.data))
	}
	if n := int64(len(img)); end > n {
		img = append(img, make([]byte, end-n)...)
	}
	if c.truncate {
		return img[:c.off]
	}
	copy(img[c.off:], c.data)
	return img
}
