/** Root of the built site, from the layout's `<meta name="latentlab-base">`, so pages work under any base path. */
export function siteBase(): URL {
  const base = document.querySelector<HTMLMetaElement>('meta[name="latentlab-base"]')?.content ?? '/';
  return new URL(base, location.href);
}
