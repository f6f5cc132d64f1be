export * from './catalog-types.js';
export { CatalogError, type CatalogErrorCode } from './catalog-error.js';
export { decodeCatalog, encodeCatalog } from './catalog-codec.js';
export { readCatalogs, type CatalogFormat } from './catalog-reader.js';
export {
  HANG_CATALOG_TRACK,
  applyMergePatch,
  decodeHangCatalog,
  encodeHangCatalog,
} from './hang-catalog.js';
export {
  audioTracks,
  catalogTrack,
  catalogTrackInfo,
  decodeInitData,
  videoRenditions,
  type CatalogTrackMeta,
} from './catalog-track.js';
export { fromBase64, toBase64 } from './base64.js';
