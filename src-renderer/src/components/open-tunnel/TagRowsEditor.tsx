/**
 * The tunnel's tags, one key=value row each, checked as typed; an error main returns for
 * `tags[i]` shows on the row it is about (rows left empty are not sent, so not counted).
 */
import { errorFor, type ShownError } from '../../lib/app-error';
import { MAX_TAGS, newTag, tagProblem, type TagDraft } from '../../lib/tunnel-form';
import { Icon } from '../common/Icon';

interface TagRowsEditorProps {
  readonly tags: readonly TagDraft[];
  readonly onChange: (tags: TagDraft[]) => void;
  readonly error: ShownError | null;
  readonly disabled?: boolean;
}

export function TagRowsEditor({ tags, onChange, error, disabled }: TagRowsEditorProps) {
  const listError = error?.field === 'tags' ? error.message : undefined;
  const sentIndex = sentIndices(tags);
  return (
    <fieldset className="tag-rows" disabled={disabled}>
      <legend className="field__label">Tags</legend>
      {tags.length > 0 ? (
        <ul className="tag-rows__list">
          {tags.map((tag, index) => {
            const sent = sentIndex[index];
            const problem = tagProblem(tag, index, tags);
            const fromMain =
              sent === null
                ? undefined
                : (errorFor(error, `tags[${sent}].key`) ?? errorFor(error, `tags[${sent}].value`));
            const keyBad =
              problem?.field === 'key' ||
              (fromMain !== undefined && !!error?.field?.endsWith('key'));
            const valueBad =
              problem?.field === 'value' ||
              (fromMain !== undefined && !!error?.field?.endsWith('value'));
            const message = problem?.message ?? fromMain;
            const messageId = `tag-message-${tag.id}`;
            return (
              <li key={tag.id} className="tag-rows__row">
                <input
                  className="input input--mono input--small"
                  value={tag.key}
                  onChange={(event) =>
                    onChange(
                      tags.map((t) => (t.id === tag.id ? { ...t, key: event.target.value } : t)),
                    )
                  }
                  aria-label={`Tag ${index + 1} key`}
                  aria-invalid={keyBad ? true : undefined}
                  aria-describedby={messageId}
                  placeholder="key"
                  autoComplete="off"
                  spellCheck={false}
                  data-testid={`tag-key-${index}`}
                />
                <span className="tag-rows__equals" aria-hidden="true">
                  =
                </span>
                <input
                  className="input input--mono input--small"
                  value={tag.value}
                  onChange={(event) =>
                    onChange(
                      tags.map((t) => (t.id === tag.id ? { ...t, value: event.target.value } : t)),
                    )
                  }
                  aria-label={`Tag ${index + 1} value`}
                  aria-invalid={valueBad ? true : undefined}
                  aria-describedby={messageId}
                  placeholder="value"
                  autoComplete="off"
                  spellCheck={false}
                  data-testid={`tag-value-${index}`}
                />
                <button
                  type="button"
                  className="icon-button"
                  onClick={() => onChange(tags.filter((t) => t.id !== tag.id))}
                  aria-label={`Remove tag ${index + 1}`}
                >
                  <Icon name="close" size={14} />
                </button>
                <p
                  id={messageId}
                  className="tag-rows__message"
                  aria-live="polite"
                  data-testid={`tag-error-${index}`}
                >
                  {message}
                </p>
              </li>
            );
          })}
        </ul>
      ) : null}
      {listError ? (
        <p className="field__error" role="alert">
          {listError}
        </p>
      ) : null}
      <div>
        <button
          type="button"
          className="button button--small"
          onClick={() => onChange([...tags, newTag()])}
          disabled={tags.length >= MAX_TAGS}
          data-testid="add-tag"
        >
          <Icon name="plus" />
          Add tag
        </button>
      </div>
    </fieldset>
  );
}

/** Each row's place among the rows sent (empty ones are not), as main numbers them. */
function sentIndices(tags: readonly TagDraft[]): (number | null)[] {
  const indices: (number | null)[] = [];
  let next = 0;
  for (const tag of tags) {
    const empty = tag.key.trim() === '' && tag.value.trim() === '';
    indices.push(empty ? null : next++);
  }
  return indices;
}
