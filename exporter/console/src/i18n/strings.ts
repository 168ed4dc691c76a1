// Every fixed text of the console, once, with its languages side by side. Section, figure and
// value labels are not here: they come from the catalogue. `{name}` marks a placeholder.
// A test fails when a language is missing or blank, when the placeholders of a string differ
// between languages, or when two languages read the same without being listed in SAME_IN_EVERY_LANGUAGE.

export const CONSOLE_LANGUAGES = ['id', 'en'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];

/** Each language's name in that language (shown as is in the language picker). */
export const LANGUAGE_NAMES: Record<ConsoleLanguage, string> = { id: 'Bahasa Indonesia', en: 'English' };

export const STRINGS = {
  appName: { id: 'KeWhats Monitoring', en: 'KeWhats Monitoring' },
  loading: { id: 'Memuat…', en: 'Loading…' },
  skipToContent: { id: 'Langsung ke konten', en: 'Skip to content' },
  mainNavigation: { id: 'Navigasi utama', en: 'Main navigation' },
  openMenu: { id: 'Buka menu', en: 'Open menu' },
  closeMenu: { id: 'Tutup menu', en: 'Close menu' },
  profileSettings: { id: 'Pengaturan Profil', en: 'Profile Settings' },
  logout: { id: 'Keluar', en: 'Logout' },
  notFoundTitle: { id: 'Halaman tidak ditemukan', en: 'Page not found' },
  notFoundText: { id: 'Tidak ada halaman di alamat ini. Pilih halaman dari menu.', en: 'There is no page at this address. Pick one from the menu.' },
  bootFailed: { id: 'Konsol tidak dapat dimuat: {reason}', en: 'The console could not be loaded: {reason}' },
  noAnswer: { id: 'exporter tidak menjawab', en: 'the exporter does not answer' },
  tryAgain: { id: 'Coba lagi', en: 'Try again' },

  // freshness
  refresh: { id: 'Muat ulang', en: 'Refresh' },
  autoRefresh: { id: 'Muat ulang otomatis', en: 'Auto-refresh' },
  refreshOff: { id: 'Mati', en: 'Off' },
  refreshLive: { id: 'Langsung (live)', en: 'Live' },
  lastUpdated: { id: 'Terakhir diperbarui: {ago}', en: 'Last updated: {ago}' },
  notYetUpdated: { id: 'Belum ada data', en: 'No data yet' },
  staleBadge: { id: 'Data lama', en: 'Stale' },
  staleExplained: {
    id: 'Basis data tidak menjawab: angka ini berasal dari pembaruan terakhir yang berhasil.',
    en: 'The database is not answering: these numbers are from the last successful update.',
  },
  unreachable: {
    id: 'Exporter tidak dapat dihubungi. Angka terakhir tetap ditampilkan; mencoba lagi…',
    en: 'The exporter cannot be reached. The last numbers stay on screen; trying again…',
  },
  unavailable: { id: 'Data belum tersedia: {reason}', en: 'Data not available yet: {reason}' },
  liveConnecting: { id: 'Menyambungkan pembaruan langsung…', en: 'Connecting live updates…' },
  liveOn: { id: 'Pembaruan langsung aktif', en: 'Live updates on' },
  liveRefused: {
    id: 'Server menolak pembaruan langsung saat ini; memuat ulang setiap 30 detik dan mencoba lagi nanti.',
    en: 'The server refused live updates for now; refreshing every 30 seconds and trying again later.',
  },

  // cards and charts
  noValue: { id: 'Tidak ada nilai', en: 'No value' },
  chartCount: { id: 'Jumlah', en: 'Count' },
  chartShare: { id: 'Porsi', en: 'Share' },
  chartCategory: { id: 'Kategori', en: 'Category' },
  chartEmpty: { id: 'Belum ada data untuk grafik ini.', en: 'No data for this chart yet.' },
  chartTotal: { id: 'Total', en: 'Total' },

  // time range
  period: { id: 'Periode', en: 'Period' },
  thisMonth: { id: 'Bulan ini', en: 'This month' },
  lastMonth: { id: 'Bulan lalu', en: 'Last month' },
  customRange: { id: 'Rentang tanggal', en: 'Custom dates' },
  rangeFrom: { id: 'Dari', en: 'From' },
  rangeTo: { id: 'Sampai', en: 'To' },
  applyRange: { id: 'Terapkan', en: 'Apply' },
  rangeIncomplete: { id: 'Isi kedua tanggal.', en: 'Fill in both dates.' },
  rangeReversed: { id: 'Tanggal awal harus sebelum atau sama dengan tanggal akhir.', en: 'The start date must be on or before the end date.' },
  rangeInZone: { id: 'Tanggal menurut zona waktu {zone}', en: 'Dates in the {zone} time zone' },
  rangeShown: { id: '{from} – {to} ({zone})', en: '{from} – {to} ({zone})' },

  // exports
  exports: { id: 'Ekspor', en: 'Exports' },
  downloading: { id: 'Mengunduh… {size}', en: 'Downloading… {size}' },
  downloaded: { id: 'Selesai: {size} tersimpan.', en: 'Done: {size} saved.' },
  downloadCancelled: { id: 'Unduhan dibatalkan.', en: 'Download cancelled.' },
  exportBusy: {
    id: 'Terlalu banyak ekspor berjalan. Coba lagi dalam {seconds} detik.',
    en: 'Too many exports are running. Try again in {seconds} seconds.',
  },
  exportForbidden: { id: 'Akun Anda tidak boleh mengunduh ekspor ini.', en: 'Your account may not download this export.' },
  exportUnavailable: {
    id: 'Basis data tidak tersedia; ekspor tidak dapat dibuat sekarang. Coba lagi sebentar lagi.',
    en: 'The database is unavailable, so the export cannot be made now. Try again shortly.',
  },
  exportSignedOut: { id: 'Sesi Anda telah berakhir. Masuk lagi untuk mengunduh.', en: 'Your session has ended. Sign in again to download.' },
  exportFailed: { id: 'Unduhan gagal: {reason}', en: 'The download failed: {reason}' },
  signInAgain: { id: 'Masuk lagi', en: 'Sign in again' },

  // profile settings
  account: { id: 'Akun', en: 'Account' },
  email: { id: 'Email', en: 'Email' },
  name: { id: 'Nama', en: 'Name' },
  role: { id: 'Peran', en: 'Role' },
  changePassword: { id: 'Ganti kata sandi', en: 'Change password' },
  currentPassword: { id: 'Kata sandi saat ini', en: 'Current password' },
  newPassword: { id: 'Kata sandi baru', en: 'New password' },
  confirmPassword: { id: 'Ulangi kata sandi baru', en: 'Repeat the new password' },
  passwordsDiffer: { id: 'Kedua kata sandi baru tidak sama.', en: 'The two new passwords differ.' },
  passwordChanged: { id: 'Kata sandi diganti. Sesi Anda yang lain telah dikeluarkan.', en: 'Password changed. Your other sessions were signed out.' },
  wrongPassword: { id: 'Kata sandi saat ini salah.', en: 'The current password is incorrect.' },
  tooManyAttempts: { id: 'Terlalu banyak percobaan. Coba lagi dalam {seconds} detik.', en: 'Too many attempts. Try again in {seconds} seconds.' },
  requestFailed: { id: 'Permintaan gagal: {reason}', en: 'The request failed: {reason}' },
  saving: { id: 'Menyimpan…', en: 'Saving…' },
  preferences: { id: 'Tampilan', en: 'Display' },
  language: { id: 'Bahasa', en: 'Language' },
  theme: { id: 'Tema', en: 'Theme' },
  themeDark: { id: 'Gelap', en: 'Dark' },
  themeLight: { id: 'Terang', en: 'Light' },
  sessions: { id: 'Sesi aktif', en: 'Active sessions' },
  sessionDevice: { id: 'Perangkat', en: 'Device' },
  sessionStarted: { id: 'Masuk', en: 'Signed in' },
  sessionLastSeen: { id: 'Terakhir aktif', en: 'Last active' },
  sessionExpires: { id: 'Berakhir', en: 'Expires' },
  thisDevice: { id: 'Perangkat ini', en: 'This device' },
  unknownDevice: { id: 'Perangkat tidak dikenal', en: 'Unknown device' },
  signOut: { id: 'Keluar', en: 'Sign out' },
  signOutEverywhere: { id: 'Keluar dari semua perangkat', en: 'Sign out everywhere' },
  signOutEverywhereExplained: {
    id: 'Mengakhiri semua sesi akun ini, termasuk sesi ini.',
    en: 'Ends every session of this account, this one included.',
  },
} as const satisfies Record<string, Record<ConsoleLanguage, string>>;

export type StringKey = keyof typeof STRINGS;

/** Strings that are rightly the same in every language (names, loanwords). */
export const SAME_IN_EVERY_LANGUAGE: ReadonlySet<StringKey> = new Set<StringKey>(['appName', 'email', 'chartTotal', 'rangeShown']);
