// Package safecell neutralises text that a spreadsheet would run as a formula (formula
// injection, CWE-1236). Every export and report tradestat writes for Excel or WPS passes its
// text cells through Text: lot names and reasons come from outside and may begin with =.
package safecell

// Text returns s with a leading apostrophe when it begins with =, +, -, @, a tab or a
// carriage return, which Excel and WPS would take as the start of a formula; any other text
// comes back unchanged. The apostrophe is what Excel itself shows for text typed that way.
func Text(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
