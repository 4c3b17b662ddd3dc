// Package jsutil holds the few syscall/js idioms the browser build needs
// in several places: awaiting a promise from a goroutine and moving bytes
// between Go and JavaScript. It is empty outside GOOS=js.
package jsutil
