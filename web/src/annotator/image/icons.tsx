// Small inline SVG icons (no icon font or emoji: headless and minimal systems lack them).

const P = { width: 18, height: 18, viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", strokeWidth: 2, strokeLinecap: "round" as const, strokeLinejoin: "round" as const, "aria-hidden": true };

export const icons = {
  select: (
    <svg {...P}>
      <path d="M5 3l14 8-6 1.5L10 19z" />
    </svg>
  ),
  box: (
    <svg {...P}>
      <rect x="4" y="6" width="16" height="12" />
    </svg>
  ),
  polygon: (
    <svg {...P}>
      <path d="M12 3l8 6-3 10H7L4 9z" />
    </svg>
  ),
  line: (
    <svg {...P}>
      <path d="M3 18l6-8 5 5 7-10" />
    </svg>
  ),
  point: (
    <svg {...P}>
      <circle cx="12" cy="12" r="4" fill="currentColor" />
    </svg>
  ),
  fit: (
    <svg {...P}>
      <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />
    </svg>
  ),
  eye: (
    <svg {...P} width={15} height={15}>
      <path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z" />
      <circle cx="12" cy="12" r="3" />
    </svg>
  ),
  eyeOff: (
    <svg {...P} width={15} height={15}>
      <path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z" opacity="0.35" />
      <path d="M3 3l18 18" />
    </svg>
  ),
  lock: (
    <svg {...P} width={15} height={15}>
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </svg>
  ),
  unlock: (
    <svg {...P} width={15} height={15} opacity={0.45}>
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 7.5-2" />
    </svg>
  ),
  trash: (
    <svg {...P} width={15} height={15}>
      <path d="M6 6l12 12M18 6L6 18" />
    </svg>
  ),
  check: (
    <svg {...P} width={15} height={15}>
      <path d="M5 12l5 5 9-10" />
    </svg>
  ),
};
