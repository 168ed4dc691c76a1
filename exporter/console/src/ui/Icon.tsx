/** @jsxRuntime automatic @jsxImportSource preact */
import { GENERIC_ICON, ICON_PATHS } from '../icons/icon-paths.ts';

/** A Grafana (Unicons) icon by name; names the console does not ship draw as the generic icon. */
export function Icon({ name, class: className }: { name: string; class?: string }) {
  const paths = ICON_PATHS[name] ?? ICON_PATHS[GENERIC_ICON] ?? [];
  return (
    <svg class={className ? `icon ${className}` : 'icon'} viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      {paths.map((d) => (
        <path key={d} d={d} fill="currentColor" />
      ))}
    </svg>
  );
}
