package logging

import "github.com/sirupsen/logrus"

// maskingFormatter masks the message and every field value, then hands the
// entry to the real formatter. Masking before formatting (not the output
// bytes) sees secrets before JSON or quoting escapes them.
type maskingFormatter struct {
	inner  logrus.Formatter
	masker *Masker
}

func (f *maskingFormatter) Format(e *logrus.Entry) ([]byte, error) {
	msg := f.masker.Mask(e.Message)
	var data logrus.Fields // copied on the first change only
	for k, v := range e.Data {
		masked, changed := f.masker.MaskValue(v)
		if !changed {
			continue
		}
		if data == nil {
			data = make(logrus.Fields, len(e.Data))
			for k2, v2 := range e.Data {
				data[k2] = v2
			}
		}
		data[k] = masked
	}
	if msg == e.Message && data == nil {
		return f.inner.Format(e)
	}
	c := *e
	c.Message = msg
	if data != nil {
		c.Data = data
	}
	return f.inner.Format(&c)
}
