// The renderer as every reader in the process gets it: with the registered channels' hooks, gathered by the
// composition root (src/app), so an email renders as the seed's `<email_received>`. Render tests import these.
// They render under the `seed` profile unless told otherwise: the tests that pin text pin the seed's windows.
import { inboundRenderers } from '../../src/app/channel-events.js';
import { channels } from '../../src/app/channels.js';
import { ContextBuilder as CoreContextBuilder } from '../../src/core/context-builder.js';
import { renderContext as coreRenderContext, renderThread as coreRenderThread, type RenderedContext, type RenderOptions } from '../../src/core/render.js';
import type { ThreadEvent } from '../../src/core/events.js';

export function withChannels(options: RenderOptions = {}): RenderOptions {
  return { profile: 'seed', ...options, inbound: { ...inboundRenderers(channels), ...options.inbound } };
}

export function renderContext(events: readonly ThreadEvent[], options?: RenderOptions): string {
  return coreRenderContext(events, withChannels(options));
}

export function renderThread(events: readonly ThreadEvent[], options?: RenderOptions): RenderedContext {
  return coreRenderThread(events, withChannels(options));
}

export class ContextBuilder extends CoreContextBuilder {
  constructor(options?: RenderOptions) {
    super(withChannels(options));
  }
}
