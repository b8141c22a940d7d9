/**
 * The thing picker: search by name prefix, thing type and one attribute (name=value), a
 * list a page at a time ("Load more" asks for AWS's next page), each thing with its type and
 * attributes. The list is a listbox for the keyboard: arrows, Home/End and PageUp/PageDown
 * move the pick (the detail beside it follows), Enter opens a tunnel to the thing picked,
 * and ArrowDown in a filter field goes to the list.
 */
import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import type { ThingInfo } from '../../../../src-main/ipc/contract.js';
import { CREDENTIAL_ERRORS } from '../../hooks/use-aws-source';
import { useThingSearch } from '../../hooks/use-thing-search';
import type { ResolvedSource } from '../../lib/aws-source';
import { attributePairs } from '../../lib/thing-query';
import { useSourceStore } from '../../stores/source-store';
import { useThingsStore, type ThingFilters } from '../../stores/things-store';
import { useUiStore } from '../../stores/ui-store';
import { Icon } from '../common/Icon';
import { AwsErrorNotice } from '../aws/AwsErrorNotice';

/** Attributes shown on a row; the detail has them all. */
const ROW_ATTRIBUTES = 4;
const PAGE_STEP = 10;

export function ThingPicker({ resolved }: { readonly resolved: ResolvedSource }) {
  const search = useThingSearch(resolved);
  const filters = useThingsStore((state) => state.filters);
  const storeKey = useThingsStore((state) => state.queryKey);
  const stored = useThingsStore((state) => state.things);
  const status = useThingsStore((state) => state.status);
  const error = useThingsStore((state) => state.error);
  const nextToken = useThingsStore((state) => state.nextToken);
  const selected = useThingsStore((state) => state.selected);
  const selectedSource = useThingsStore((state) => state.selectedSourceKey);
  const identity = useSourceStore((state) => state.identity);
  const list = useRef<HTMLDivElement>(null);
  const listId = useId();
  const titleId = useId();
  const optionId = (index: number) => `${listId}-option-${index}`;

  // The list on screen is the one for the query as typed (not a previous source's).
  const current = search.queryKey !== null && storeKey === search.queryKey;
  const things = current ? stored : [];
  const sourceKey = resolved.ok ? resolved.key : null;
  const pick = selectedSource === sourceKey ? selected : null;
  const activeIndex = pick ? things.findIndex((t) => t.thingName === pick.thingName) : -1;

  const choose = (thing: ThingInfo) => useThingsStore.getState().select(thing, sourceKey);
  const openTunnel = (thing: ThingInfo) => {
    if (resolved.ok) useUiStore.getState().startOpenTunnel({ source: resolved.source, thing });
  };

  useEffect(() => {
    if (activeIndex < 0) return;
    // jsdom has no layout (no scrollIntoView), hence the guard.
    document.getElementById(optionId(activeIndex))?.scrollIntoView?.({ block: 'nearest' });
    // optionId derives from listId, which is stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [activeIndex]);

  const onListKey = (event: KeyboardEvent) => {
    if (things.length === 0) return;
    const last = things.length - 1;
    const from = activeIndex < 0 ? -1 : activeIndex;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, from + 1),
      ArrowUp: Math.max(0, from - 1),
      Home: 0,
      End: last,
      PageDown: Math.min(last, from + PAGE_STEP),
      PageUp: Math.max(0, from - PAGE_STEP),
    };
    const to = moves[event.key];
    if (to !== undefined) {
      event.preventDefault();
      choose(things[to]!);
    } else if (event.key === 'Enter' && pick) {
      event.preventDefault();
      openTunnel(pick);
    }
  };

  const toList = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' || things.length === 0) return;
    event.preventDefault();
    if (activeIndex < 0) choose(things[0]!);
    list.current?.focus();
  };

  const filterError = search.parsed.ok ? null : search.parsed;
  // A source whose credentials fail says so once, above; the list need not repeat it.
  const credentialsFailed =
    identity.status === 'error' &&
    resolved.ok &&
    identity.key === resolved.key &&
    CREDENTIAL_ERRORS.has(identity.error.code);
  const loading = current && (status === 'loading' || status === 'loading-more');

  return (
    <section className="panel thing-picker" aria-labelledby={titleId} data-testid="thing-picker">
      <header className="panel__header">
        <h2 className="panel__title" id={titleId}>
          Things
        </h2>
        <p className="panel__hint mono" data-testid="thing-count" aria-live="polite">
          {countText(current ? status : 'idle', things.length, nextToken !== null)}
        </p>
        <button
          type="button"
          className="icon-button"
          onClick={search.refresh}
          disabled={search.queryKey === null}
          aria-label="Search again"
          title="Search again"
        >
          <Icon name="refresh" />
        </button>
      </header>
      <div className="thing-filters">
        <FilterInput
          label="Name prefix"
          icon
          value={filters.namePrefix}
          placeholder="gateway-"
          field="namePrefix"
          testId="thing-search"
          onKeyDown={toList}
        />
        <div className="thing-filters__row">
          <FilterInput
            label="Thing type"
            value={filters.thingType}
            placeholder="EdgeGateway"
            field="thingType"
            testId="thing-type-filter"
            onKeyDown={toList}
            error={filterError?.field === 'thingType' ? filterError.message : undefined}
          />
          <FilterInput
            label="Attribute"
            value={filters.attribute}
            placeholder="site=berlin"
            field="attribute"
            testId="thing-attribute-filter"
            onKeyDown={toList}
            error={filterError?.field === 'attribute' ? filterError.message : undefined}
          />
        </div>
        {filterError ? (
          <p className="field__error" role="alert" data-testid="thing-filter-error">
            {filterError.message}
          </p>
        ) : null}
      </div>
      {current && status === 'error' && error ? (
        credentialsFailed && CREDENTIAL_ERRORS.has(error.code) ? (
          <p className="thing-picker__message">
            No things without working credentials: see the source above.
          </p>
        ) : (
          <div className="thing-picker__error">
            <AwsErrorNotice
              error={error}
              testId="things-error"
              onRetry={things.length > 0 && nextToken ? search.loadMore : search.refresh}
            />
          </div>
        )
      ) : null}
      <div
        ref={list}
        className="thing-list"
        role="listbox"
        tabIndex={0}
        aria-labelledby={titleId}
        aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
        aria-busy={loading}
        onKeyDown={onListKey}
        data-testid="thing-list"
      >
        {things.map((thing, index) => (
          <ThingOption
            key={thing.thingName}
            id={optionId(index)}
            thing={thing}
            selected={index === activeIndex}
            onPick={() => {
              choose(thing);
              list.current?.focus();
            }}
            onOpen={() => openTunnel(thing)}
          />
        ))}
        {current && status === 'ready' && things.length === 0 ? (
          <p className="thing-list__empty" data-testid="things-empty">
            {nextToken
              ? 'No match in this page of things; load more to look further.'
              : 'No thing matches these filters.'}
          </p>
        ) : null}
        {!current && status !== 'error' && search.queryKey !== null ? (
          <p className="thing-list__empty">Searching…</p>
        ) : null}
        {!resolved.ok ? (
          <p className="thing-list__empty">Complete the source above to list its things.</p>
        ) : null}
      </div>
      <footer className="thing-picker__footer">
        <span className="thing-picker__keys" aria-hidden="true">
          ↑↓ pick · Enter opens a tunnel
        </span>
        {nextToken !== null && current ? (
          <button
            type="button"
            className="button button--small"
            onClick={search.loadMore}
            disabled={loading}
            data-testid="things-load-more"
          >
            {status === 'loading-more' ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
      </footer>
    </section>
  );
}

function countText(status: string, count: number, more: boolean): string {
  if (status === 'loading') return 'searching…';
  if (status === 'idle' || status === 'error') return '';
  const things = `${count} ${count === 1 ? 'thing' : 'things'}`;
  return more ? `${things}, more to load` : things;
}

interface FilterInputProps {
  readonly label: string;
  readonly value: string;
  readonly placeholder: string;
  readonly field: keyof ThingFilters;
  readonly testId: string;
  readonly onKeyDown: (event: KeyboardEvent) => void;
  readonly error?: string | undefined;
  readonly icon?: boolean;
}

function FilterInput({
  label,
  value,
  placeholder,
  field,
  testId,
  onKeyDown,
  error,
  icon,
}: FilterInputProps) {
  const id = useId();
  return (
    <div className="thing-filters__field">
      <label className="thing-filters__label" htmlFor={id}>
        {label}
      </label>
      <span className={icon ? 'input-with-icon' : undefined}>
        {icon ? <Icon name="search" size={14} /> : null}
        <input
          id={id}
          className={`input input--small input--mono${error ? ' input--invalid' : ''}`}
          type={icon ? 'search' : 'text'}
          value={value}
          onChange={(event) =>
            useThingsStore.getState().setFilters({ [field]: event.target.value })
          }
          onKeyDown={onKeyDown}
          placeholder={placeholder}
          aria-invalid={error ? true : undefined}
          autoComplete="off"
          spellCheck={false}
          data-testid={testId}
        />
      </span>
    </div>
  );
}

interface ThingOptionProps {
  readonly id: string;
  readonly thing: ThingInfo;
  readonly selected: boolean;
  readonly onPick: () => void;
  readonly onOpen: () => void;
}

function ThingOption({ id, thing, selected, onPick, onOpen }: ThingOptionProps) {
  const pairs = attributePairs(thing.attributes);
  return (
    <div
      id={id}
      role="option"
      aria-selected={selected}
      className={`thing-option${selected ? ' thing-option--selected' : ''}`}
      onClick={onPick}
      onDoubleClick={onOpen}
      data-testid="thing-option"
      data-thing={thing.thingName}
    >
      <span className="thing-option__head">
        <span className="thing-option__name mono">{thing.thingName}</span>
        {thing.thingTypeName ? (
          <span className="chip chip--type" title="Thing type">
            {thing.thingTypeName}
          </span>
        ) : (
          <span className="thing-option__untyped">no type</span>
        )}
      </span>
      {pairs.length > 0 ? (
        <span className="thing-option__attributes">
          {pairs.slice(0, ROW_ATTRIBUTES).map((pair) => (
            <span key={pair} className="attr-tag mono">
              {pair}
            </span>
          ))}
          {pairs.length > ROW_ATTRIBUTES ? (
            <span className="attr-tag attr-tag--more">+{pairs.length - ROW_ATTRIBUTES}</span>
          ) : null}
        </span>
      ) : null}
    </div>
  );
}
