import { describe, type Shortcut } from "../ui/shortcuts";
import { InfoDialog } from "./Dialog";

// Letter keys as printed on the keyboard: "Ctrl+Z", not "Ctrl+z".
const keys = (s: Shortcut) => describe(s).replace(/(^|\+)([a-z])$/, (_m, sep: string, c: string) => sep + c.toUpperCase());

// The "?" panel: every key the page answers to, grouped by where it comes from.
export function ShortcutsHelp({ open, onClose, groups }: { open: boolean; onClose(): void; groups: { title: string; shortcuts: Shortcut[] }[] }) {
  return (
    <InfoDialog open={open} title="Keyboard shortcuts" onClose={onClose}>
      <div className="shortcuts-help" data-testid="shortcuts-help">
        {groups
          .filter((g) => g.shortcuts.length)
          .map((g) => {
            // One row per distinct label+keys (a workspace may bind several keys to one thing).
            const seen = new Set<string>();
            const rows = g.shortcuts.filter((s) => {
              const k = `${keys(s)}|${s.label}`;
              if (seen.has(k)) return false;
              seen.add(k);
              return true;
            });
            return (
              <section key={g.title}>
                <h3>{g.title}</h3>
                <table>
                  <tbody>
                    {rows.map((s) => (
                      <tr key={`${keys(s)}|${s.label}`}>
                        <td className="keys">
                          <kbd>{keys(s)}</kbd>
                        </td>
                        <td>{s.label}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            );
          })}
      </div>
    </InfoDialog>
  );
}
