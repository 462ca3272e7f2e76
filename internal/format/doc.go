// Package format writes a tenant's matrix (a raci.Snapshot) as Markdown, CSV, JSON
// and OSCAL, and reads a Markdown RACI table back into rows. Formats are adapters at
// the edge of the domain, so the rules a matrix follows, and the violations reported
// beside a rendering (raci.Violations), stay in raci; this package imports raci and
// the standard library only.
package format
