/**
 * `npm run bench -- compare-profile DIR [N]`: the N (10) heaviest frames by self time of
 * each V8 CPU profile in DIR, as written by `compare --cpu-prof DIR`. Each profile is named
 * by its role (service, source or destination proxy), told from the modules it ran.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which of our processes wrote the profile, from the source files it has frames in. */
function roleOf(profile: CpuProfile): string {
  const urls = profile.nodes.map((n) => n.callFrame.url);
  if (urls.some((u) => u.includes('/core/service/'))) return 'service';
  if (urls.some((u) => u.includes('/core/source/'))) return 'source proxy';
  if (urls.some((u) => u.includes('/core/destination/'))) return 'destination proxy';
  return 'unknown';
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    .replace(/^.*\/(node_modules\/|dist\/src-main\/)/, '$1')
    .replace(/^node:/, 'node:');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

export function heaviestFrames(
  profile: CpuProfile,
  count: number,
): { name: string; ms: number; share: number }[] {
  // Self time: each sample's time goes to the frame on top of the stack then.
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const byName = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    total += ms;
    const name = frameName(node);
    byName.set(name, (byName.get(name) ?? 0) + ms);
  }
  // The idle frame is time the process waited; leave it out of the shares.
  const busy = total - (byName.get('(idle)') ?? 0);
  return [...byName]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms, share: busy > 0 ? ms / busy : 0 }));
}

export function compareProfile(dir: string | undefined, count = 10): void {
  if (!dir) throw new Error('compare-profile wants the directory of .cpuprofile files');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const named = /^(service|source|destination)-/.exec(file)?.[1];
    const role = named ? (named === 'service' ? 'service' : `${named} proxy`) : roleOf(profile);
    const frames = heaviestFrames(profile, count);
    console.log(
      `\n${file}: ${role}, ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s profiled`,
    );
    for (const f of frames)
      console.log(
        `  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`,
      );
  }
}
