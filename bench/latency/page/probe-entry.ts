/**
 * Bundle entry injected into our relay's /watch page before it loads: the `<video>` frame probe
 * (if the player uses MSE) and the stats-based render probe (WebCodecs on a canvas).
 */
import { installFrameProbe } from './frame-probe.js';
import { installRenderProbe } from './render-probe.js';

installFrameProbe();
installRenderProbe();
