"""Cross-cutting helpers: database set-up, time, i18n, request context, errors."""
