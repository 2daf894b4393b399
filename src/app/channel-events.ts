// What the listed channels contribute to reading a thread, gathered for every reader: the render hooks every
// agent's context is built with, the one-line descriptions of `hardway show` and the store's upcasters.
import type { AgentDefinition } from '../core/agent.js';
import type { InboundRenderer } from '../core/render.js';
import type { Upcasters } from '../core/upcast.js';
import type { ChannelEvents, ChannelModule } from '../runtime/channel-module.js';

export type InboundDescriber = NonNullable<ChannelEvents['describe']>;

function byChannel<T>(channels: readonly ChannelModule[], pick: (events: ChannelEvents) => T | undefined): Record<string, T> {
  return Object.fromEntries(channels.flatMap((c) => {
    const value = c.events === undefined ? undefined : pick(c.events);
    return value === undefined ? [] : [[c.name, value]];
  }));
}

export function inboundRenderers(channels: readonly ChannelModule[]): Record<string, InboundRenderer> {
  return byChannel(channels, (e) => e.render);
}

export function inboundDescribers(channels: readonly ChannelModule[]): Record<string, InboundDescriber> {
  return byChannel(channels, (e) => e.describe);
}

/** Two channels upcasting the same retired type would make old rows read differently by order: refused. */
export function channelUpcasters(channels: readonly ChannelModule[]): Upcasters {
  const all: Record<string, Upcasters[string]> = {};
  for (const c of channels) {
    for (const [type, upcast] of Object.entries(c.events?.upcasters ?? {})) {
      if (Object.hasOwn(all, type)) throw new Error(`two channels upcast ${type}`);
      all[type] = upcast;
    }
  }
  return all;
}

/** The agent's definition with the channels' renderers under its own (an agent's choice for a channel wins). */
export function withChannelRendering<D extends Pick<AgentDefinition, 'render'>>(definition: D, channels: readonly ChannelModule[]): D {
  const render = definition.render ?? {};
  return { ...definition, render: { ...render, inbound: { ...inboundRenderers(channels), ...render.inbound } } };
}
