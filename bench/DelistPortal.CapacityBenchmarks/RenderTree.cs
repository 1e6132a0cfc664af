using System.Buffers.Binary;
using System.Text;
using Microsoft.AspNetCore.Components.RenderTree;

namespace DelistPortal.CapacityBenchmarks;

/// <summary>
/// The page as blazor.web.js keeps it, without a browser: applies the server's render batches (the binary format of
/// ASP.NET Core's RenderBatchWriter) to a logical tree the way BrowserRenderer.applyEdits does — regions flattened
/// into their parent, a component as one child holding its own content — so a sender can find the field, the form or
/// the button to act on, with the event handler ids the server gave them.
/// </summary>
public sealed class RenderTree
{
    private readonly Dictionary<int, Node> _components = [];
    private readonly object _lock = new();

    /// <summary>Applies one batch (the bytes of a JS.RenderBatch message).</summary>
    public void Apply(byte[] batch)
    {
        var reader = new BatchReader(batch);
        lock (_lock)
        {
            foreach (var diff in reader.Diffs())
            {
                if (!_components.TryGetValue(diff.ComponentId, out var container))
                {
                    // A root component: attached to the page, not to a frame of another component.
                    container = new Node(NodeKind.Component) { ComponentId = diff.ComponentId };
                    _components[diff.ComponentId] = container;
                }
                ApplyEdits(reader, container, diff);
            }
            foreach (var disposed in reader.DisposedComponentIds())
            {
                _components.Remove(disposed);
            }
        }
    }

    /// <summary>The first element, in document order over every component, that matches.</summary>
    public Node? Find(Func<Node, bool> match)
    {
        lock (_lock)
        {
            return _components.Values.Where(c => c.Parent is null).Select(root => root.Descendants().FirstOrDefault(match)).FirstOrDefault(n => n is not null);
        }
    }

    /// <summary>All text of the page (for "has the page changed to X yet").</summary>
    public bool ContainsText(string text) => Find(n => n.Kind == NodeKind.Text && n.Text is { } t && t.Contains(text, StringComparison.Ordinal)) is not null;

    private void ApplyEdits(BatchReader reader, Node container, BatchReader.Diff diff)
    {
        var parent = container;
        var depth = 0;
        List<(int From, int To)>? permutation = null;
        foreach (var edit in reader.Edits(diff))
        {
            switch (edit.Type)
            {
                case RenderTreeEditType.PrependFrame:
                    InsertFrame(reader, parent, edit.SiblingIndex, edit.ReferenceFrameIndex);
                    break;
                case RenderTreeEditType.RemoveFrame:
                    var removed = parent.Children[edit.SiblingIndex];
                    parent.Children.RemoveAt(edit.SiblingIndex);
                    Forget(removed);
                    break;
                case RenderTreeEditType.SetAttribute:
                    SetAttribute(parent.Children[edit.SiblingIndex], reader.Frame(edit.ReferenceFrameIndex));
                    break;
                case RenderTreeEditType.RemoveAttribute:
                    parent.Children[edit.SiblingIndex].Attributes.Remove(reader.String(edit.RemovedAttributeName)!);
                    break;
                case RenderTreeEditType.UpdateText:
                case RenderTreeEditType.UpdateMarkup:
                    parent.Children[edit.SiblingIndex].Text = reader.String(reader.Frame(edit.ReferenceFrameIndex).A);
                    break;
                case RenderTreeEditType.StepIn:
                    parent = parent.Children[edit.SiblingIndex];
                    depth++;
                    break;
                case RenderTreeEditType.StepOut:
                    parent = parent.Parent ?? throw new InvalidOperationException("StepOut above the component's root");
                    depth--;
                    break;
                case RenderTreeEditType.PermutationListEntry:
                    (permutation ??= []).Add((edit.SiblingIndex, edit.ReferenceFrameIndex));
                    break;
                case RenderTreeEditType.PermutationListEnd:
                    var before = parent.Children.ToArray();
                    foreach (var (from, to) in permutation ?? [])
                    {
                        parent.Children[to] = before[from];
                    }
                    permutation = null;
                    break;
                default:
                    throw new InvalidOperationException($"Unknown edit type {edit.Type}");
            }
        }
        if (depth != 0)
        {
            throw new InvalidOperationException($"Component {diff.ComponentId}'s edits end at depth {depth}");
        }
    }

    /// <summary>Inserts the frame (and its subtree) at the index; returns how many logical children it added.</summary>
    private int InsertFrame(BatchReader reader, Node parent, int index, int frameIndex)
    {
        var frame = reader.Frame(frameIndex);
        switch (frame.Type)
        {
            case RenderTreeFrameType.Element:
                var element = new Node(NodeKind.Element) { Name = reader.String(frame.B), Parent = parent };
                parent.Children.Insert(index, element);
                var end = frameIndex + frame.A;
                var child = frameIndex + 1;
                for (; child < end && reader.Frame(child).Type == RenderTreeFrameType.Attribute; child++)
                {
                    SetAttribute(element, reader.Frame(child));
                }
                InsertRange(reader, element, 0, child, end);
                return 1;
            case RenderTreeFrameType.Text:
            case RenderTreeFrameType.Markup:
                parent.Children.Insert(index, new Node(frame.Type == RenderTreeFrameType.Text ? NodeKind.Text : NodeKind.Markup)
                {
                    Text = reader.String(frame.A),
                    Parent = parent,
                });
                return 1;
            case RenderTreeFrameType.Component:
                var container = new Node(NodeKind.Component) { ComponentId = frame.B, Parent = parent };
                parent.Children.Insert(index, container);
                _components[frame.B] = container;
                return 1;
            case RenderTreeFrameType.Region:
                return InsertRange(reader, parent, index, frameIndex + 1, frameIndex + frame.A);
            case RenderTreeFrameType.ElementReferenceCapture:
            case RenderTreeFrameType.ComponentReferenceCapture:
            case RenderTreeFrameType.NamedEvent:
            case RenderTreeFrameType.ComponentRenderMode:
                // Nothing in the page for these (blazor.web.js skips them too).
                return 0;
            default:
                throw new InvalidOperationException($"Cannot insert a frame of type {frame.Type}");
        }
    }

    private int InsertRange(BatchReader reader, Node parent, int index, int start, int endExclusive)
    {
        var inserted = 0;
        for (var i = start; i < endExclusive; i += SubtreeLength(reader.Frame(i)))
        {
            inserted += InsertFrame(reader, parent, index + inserted, i);
        }
        return inserted;
    }

    private static int SubtreeLength(BatchReader.FrameData frame) => frame.Type switch
    {
        RenderTreeFrameType.Element or RenderTreeFrameType.Region or RenderTreeFrameType.Component => frame.A,
        _ => 1,
    };

    private static void SetAttribute(Node element, BatchReader.FrameData frame)
    {
        var name = frame.Reader.String(frame.A)!;
        element.Attributes[name] = new Attribute(frame.Reader.String(frame.B), frame.EventHandlerId);
    }

    private void Forget(Node removed)
    {
        foreach (var component in removed.Descendants().Prepend(removed).Where(n => n.Kind == NodeKind.Component))
        {
            if (_components.TryGetValue(component.ComponentId, out var known) && ReferenceEquals(known, component))
            {
                _components.Remove(component.ComponentId);
            }
        }
    }

    public enum NodeKind
    {
        Element,
        Text,
        Markup,
        Component,
    }

    public sealed record Attribute(string? Value, ulong EventHandlerId);

    public sealed class Node(NodeKind kind)
    {
        public NodeKind Kind { get; } = kind;

        public string? Name { get; init; }

        public string? Text { get; set; }

        public int ComponentId { get; init; }

        public Node? Parent { get; init; }

        public List<Node> Children { get; } = [];

        public Dictionary<string, Attribute> Attributes { get; } = [];

        public string? this[string attribute] => Attributes.TryGetValue(attribute, out var value) ? value.Value : null;

        /// <summary>The handler the server listens with for this event ("onclick" → its id), or 0.</summary>
        public ulong Handler(string eventName) => Attributes.TryGetValue("on" + eventName, out var value) ? value.EventHandlerId : 0;

        public IEnumerable<Node> Descendants()
        {
            foreach (var child in Children)
            {
                yield return child;
                foreach (var below in child.Descendants())
                {
                    yield return below;
                }
            }
        }

        public string InnerText => string.Concat(Descendants().Where(n => n.Kind == NodeKind.Text).Select(n => n.Text));
    }

    /// <summary>Reads the sections that RenderBatchWriter writes, with their offsets in the last 20 bytes.</summary>
    private sealed class BatchReader
    {
        private const int FrameSize = 20;
        private const int EditSize = 16;
        private readonly byte[] _data;
        private readonly int _updatedComponents;
        private readonly int _referenceFrames;
        private readonly int _disposedComponents;
        private readonly int _stringTable;
        private readonly string?[] _strings;

        public BatchReader(byte[] data)
        {
            _data = data;
            var end = data.Length - 20;
            _updatedComponents = Int(end);
            _referenceFrames = Int(end + 4);
            _disposedComponents = Int(end + 8);
            _stringTable = Int(end + 16);
            _strings = new string?[(end - _stringTable) / 4];
        }

        public readonly record struct Diff(int ComponentId, int EditsCount, int EditsStart);

        public readonly record struct Edit(RenderTreeEditType Type, int SiblingIndex, int ReferenceFrameIndex, int RemovedAttributeName);

        /// <summary>A frame's 16 bytes after its type: A and B as the first two ints, the handler id in the last 8.</summary>
        public readonly record struct FrameData(BatchReader Reader, RenderTreeFrameType Type, int A, int B, ulong EventHandlerId);

        public IEnumerable<Diff> Diffs()
        {
            var count = Int(_updatedComponents);
            for (var i = 0; i < count; i++)
            {
                var at = Int(_updatedComponents + 4 + 4 * i);
                yield return new Diff(Int(at), Int(at + 4), at + 8);
            }
        }

        public IEnumerable<Edit> Edits(Diff diff)
        {
            for (var i = 0; i < diff.EditsCount; i++)
            {
                var at = diff.EditsStart + i * EditSize;
                yield return new Edit((RenderTreeEditType)Int(at), Int(at + 4), Int(at + 8), Int(at + 12));
            }
        }

        public FrameData Frame(int index)
        {
            var at = _referenceFrames + 4 + index * FrameSize;
            return new FrameData(this, (RenderTreeFrameType)Int(at), Int(at + 4), Int(at + 8),
                BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(at + 12, 8)));
        }

        public IEnumerable<int> DisposedComponentIds()
        {
            var count = Int(_disposedComponents);
            for (var i = 0; i < count; i++)
            {
                yield return Int(_disposedComponents + 4 + 4 * i);
            }
        }

        /// <summary>A string-table entry (BinaryWriter's 7-bit length prefix, then UTF-8); -1 is null.</summary>
        public string? String(int index)
        {
            if (index < 0)
            {
                return null;
            }
            if (_strings[index] is { } known)
            {
                return known;
            }
            var at = Int(_stringTable + 4 * index);
            var length = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = _data[at++];
                length |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }
            return _strings[index] = Encoding.UTF8.GetString(_data, at, length);
        }

        private int Int(int at) => BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(at, 4));
    }
}
