using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace DelistPortal.Tests.Architecture;

/// <summary>
/// Which folder of the portal uses which, read from the compiled assembly: a type's folder is the first part of its
/// namespace after "DelistPortal" (DelistPortal.Blocklist.Index → Blocklist), and a type uses every type of the
/// assembly named in its base type, interfaces, fields, properties, method signatures, locals and method bodies (the
/// tokens of the IL). What the compiler copies in (a const's value, a nameof) leaves no reference, so the
/// <c>using DelistPortal.X</c> directives of the source files are added too. The migrations (namespace
/// DelistPortal.Data.Migrations, folder Data/Migrations) are a folder of their own, <see cref="Migrations"/>: generated
/// code plus the raw SQL each feature owns for its tables (triggers, the search index), kept as the schema's history.
/// Nothing uses them (EF finds them by reflection), so their uses of features make no cycle through Data.
/// </summary>
public sealed class FolderGraph
{
    /// <summary>The folder of the types in the root namespace (Program): the composition root, like Hosting.</summary>
    public const string Root = "(root)";

    /// <summary>The folder of the migrations, apart from the rest of Data.</summary>
    public const string Migrations = "Data/Migrations";

    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>Each edge "from → to" with up to a few examples ("ConfirmationMailer uses Times").</summary>
    public Dictionary<(string From, string To), SortedSet<string>> Edges { get; } = [];

    public SortedSet<string> Folders { get; } = new(StringComparer.Ordinal);

    public static FolderGraph Read(Assembly assembly, string sourceDirectory)
    {
        var graph = new FolderGraph();
        graph.ReadMetadata(assembly.Location);
        graph.ReadUsings(sourceDirectory);
        return graph;
    }

    /// <summary>"DelistPortal.Delisting.Mail" → "Delisting"; null for a namespace that is not the portal's own.</summary>
    public static string? FolderOf(string? ns)
    {
        if (ns is null)
        {
            return null;
        }
        // Razor's type-inference helpers live under "__Blazor." + the component's namespace.
        ns = ns.StartsWith("__Blazor.", StringComparison.Ordinal) ? ns["__Blazor.".Length..] : ns;
        if (ns == "DelistPortal")
        {
            return Root;
        }
        if (ns == "DelistPortal.Data.Migrations" || ns.StartsWith("DelistPortal.Data.Migrations.", StringComparison.Ordinal))
        {
            return Migrations;
        }
        return ns.StartsWith("DelistPortal.", StringComparison.Ordinal) ? ns["DelistPortal.".Length..].Split('.')[0] : null;
    }

    private void Add(string? from, string? to, string example)
    {
        if (from is null || to is null)
        {
            return;
        }
        Folders.Add(from);
        Folders.Add(to);
        if (from == to)
        {
            return;
        }
        if (!Edges.TryGetValue((from, to), out var examples))
        {
            Edges[(from, to)] = examples = new(StringComparer.Ordinal);
        }
        if (examples.Count < 5)
        {
            examples.Add(example);
        }
    }

    private void ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var names = new Names(reader);
        var collector = new TypeCollector();

        foreach (var handle in reader.TypeDefinitions)
        {
            var from = names.FolderOf(handle);
            if (from is null)
            {
                continue;
            }
            var used = new HashSet<TypeDefinitionHandle>();
            collector.Into = used;
            var type = reader.GetTypeDefinition(handle);
            Signatures(reader, type.BaseType, collector);
            foreach (var i in type.GetInterfaceImplementations())
            {
                Signatures(reader, reader.GetInterfaceImplementation(i).Interface, collector);
            }
            foreach (var f in type.GetFields())
            {
                reader.GetFieldDefinition(f).DecodeSignature(collector, null);
            }
            foreach (var p in type.GetProperties())
            {
                reader.GetPropertyDefinition(p).DecodeSignature(collector, null);
            }
            foreach (var m in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(m);
                method.DecodeSignature(collector, null);
                if (method.RelativeVirtualAddress != 0)
                {
                    Body(reader, pe.GetMethodBody(method.RelativeVirtualAddress), collector);
                }
            }
            foreach (var target in used)
            {
                Add(from, names.FolderOf(target), $"{names.Name(handle)} uses {names.Name(target)}");
            }
        }
    }

    private static void Body(MetadataReader reader, MethodBodyBlock body, TypeCollector collector)
    {
        if (!body.LocalSignature.IsNil)
        {
            reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(collector, null);
        }
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            }
            switch (Operands[code])
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    Signatures(reader, MetadataTokens.EntityHandle(il.ReadInt32()), collector);
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    il.Offset += 4;
                    break;
            }
        }
    }

    /// <summary>The portal's types an entity names: itself, its declaring type, its signature, its generic arguments.</summary>
    private static void Signatures(MetadataReader reader, EntityHandle handle, TypeCollector collector)
    {
        if (handle.IsNil)
        {
            return;
        }
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                collector.Into!.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(collector, null);
                break;
            case HandleKind.MethodDefinition:
                var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                collector.Into!.Add(method.GetDeclaringType());
                break;
            case HandleKind.FieldDefinition:
                collector.Into!.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                Signatures(reader, member.Parent, collector);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    member.DecodeMethodSignature(collector, null);
                }
                else
                {
                    member.DecodeFieldSignature(collector, null);
                }
                break;
            case HandleKind.MethodSpecification:
                var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                Signatures(reader, spec.Method, collector);
                spec.DecodeSignature(collector, null);
                break;
        }
    }

    private void ReadUsings(string sourceDirectory)
    {
        foreach (var file in Directory.EnumerateFiles(sourceDirectory, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(sourceDirectory, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }
            var parts = relative.Split(Path.DirectorySeparatorChar);
            var from = parts.Length == 1 ? Root : parts is ["Data", "Migrations", _, ..] ? Migrations : parts[0];
            foreach (var line in File.ReadLines(file))
            {
                var text = line.Trim().TrimStart('@');
                if (text.StartsWith("using DelistPortal", StringComparison.Ordinal))
                {
                    var ns = text["using ".Length..].TrimEnd(';').Trim();
                    Add(from, FolderOf(ns), $"{relative.Replace('\\', '/')}: {text}");
                }
            }
        }
    }

    /// <summary>Names and folders of type definitions; a nested type belongs where its outermost type does.</summary>
    private sealed class Names(MetadataReader reader)
    {
        public string? FolderOf(TypeDefinitionHandle handle) => FolderGraph.FolderOf(Namespace(handle));

        public string Name(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            var name = reader.GetString(type.Name);
            return type.GetDeclaringType() is { IsNil: false } outer ? $"{Name(outer)}.{name}" : name;
        }

        private string? Namespace(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            while (type.GetDeclaringType() is { IsNil: false } outer)
            {
                type = reader.GetTypeDefinition(outer);
            }
            var ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? null : ns;
        }
    }

    /// <summary>Decodes signatures, collecting the type definitions of this assembly they name.</summary>
    private sealed class TypeCollector : ISignatureTypeProvider<bool, object?>
    {
        public HashSet<TypeDefinitionHandle>? Into { get; set; }

        public bool GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            Into!.Add(handle);
            return true;
        }

        public bool GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => true;

        public bool GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);

        public bool GetPrimitiveType(PrimitiveTypeCode typeCode) => true;

        public bool GetSZArrayType(bool elementType) => true;

        public bool GetArrayType(bool elementType, ArrayShape shape) => true;

        public bool GetByReferenceType(bool elementType) => true;

        public bool GetPointerType(bool elementType) => true;

        public bool GetPinnedType(bool elementType) => true;

        public bool GetGenericInstantiation(bool genericType, ImmutableArray<bool> typeArguments) => true;

        public bool GetGenericMethodParameter(object? genericContext, int index) => true;

        public bool GetGenericTypeParameter(object? genericContext, int index) => true;

        public bool GetModifiedType(bool modifier, bool unmodifiedType, bool isRequired) => true;

        public bool GetFunctionPointerType(MethodSignature<bool> signature) => true;
    }
}
