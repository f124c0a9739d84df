using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Haul.Tests.Layout;

/// <summary>
/// Reads an assembly's metadata and lists, for each type it defines, every type it refers to:
/// base type, interfaces, fields, method signatures, attributes' constructors, and the tokens in
/// its method bodies (calls, news, casts, field loads, ldtoken). Nested types, compiler-made ones
/// included (closures, state machines), count as their outermost type.
/// </summary>
internal static class TypeReferences
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>(from type, to type) pairs, both as full names of outermost types; to-types of other assemblies carry their assembly's name.</summary>
    public static IReadOnlyList<Reference> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var references = new HashSet<Reference>();
        var provider = new TypeCollector(reader);

        foreach (var handle in reader.TypeDefinitions)
        {
            var definition = reader.GetTypeDefinition(handle);
            var from = Name(reader, handle);
            if (from.Namespace.Length == 0)
            {
                continue; // <Module>, <PrivateImplementationDetails>
            }

            void Add(IEnumerable<TypeName> names)
            {
                foreach (var name in names)
                {
                    references.Add(new Reference(from, name));
                }
            }

            Add(provider.FromHandle(definition.BaseType));
            foreach (var implementation in definition.GetInterfaceImplementations())
            {
                Add(provider.FromHandle(reader.GetInterfaceImplementation(implementation).Interface));
            }

            foreach (var fieldHandle in definition.GetFields())
            {
                Add(provider.Collect(() => reader.GetFieldDefinition(fieldHandle).DecodeSignature(provider, null)));
            }

            foreach (var attribute in definition.GetCustomAttributes())
            {
                Add(provider.FromHandle(reader.GetCustomAttribute(attribute).Constructor));
            }

            foreach (var methodHandle in definition.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                Add(provider.Collect(() => method.DecodeSignature(provider, null)));
                foreach (var attribute in method.GetCustomAttributes())
                {
                    Add(provider.FromHandle(reader.GetCustomAttribute(attribute).Constructor));
                }

                if (method.RelativeVirtualAddress != 0)
                {
                    var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                    if (!body.LocalSignature.IsNil)
                    {
                        Add(provider.Collect(() => reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null)));
                    }

                    foreach (var token in Tokens(body.GetILReader()))
                    {
                        Add(provider.FromHandle(MetadataTokens.EntityHandle(token)));
                    }
                }
            }

            foreach (var propertyHandle in definition.GetProperties())
            {
                Add(provider.Collect(() => reader.GetPropertyDefinition(propertyHandle).DecodeSignature(provider, null)));
            }
        }

        return [.. references.Where(reference => reference.From != reference.To)];
    }

    /// <summary>The metadata tokens the IL of one method body names.</summary>
    private static List<int> Tokens(BlobReader il)
    {
        var tokens = new List<int>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il.ReadByte());
            }

            var code = OpCodesByValue[value];
            switch (code.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    tokens.Add(il.ReadInt32());
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
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                default:
                    il.Offset += 4; // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    break;
            }
        }

        return tokens;
    }

    /// <summary>The outermost type that holds <paramref name="handle"/>, with its namespace.</summary>
    internal static TypeName Name(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var definition = reader.GetTypeDefinition(handle);
        while (definition.IsNested)
        {
            definition = reader.GetTypeDefinition(definition.GetDeclaringType());
        }

        return new TypeName(reader.GetString(definition.Namespace), reader.GetString(definition.Name), External: null);
    }

    internal static TypeName Name(MetadataReader reader, TypeReferenceHandle handle)
    {
        var reference = reader.GetTypeReference(handle);
        while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            reference = reader.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
        }

        var assembly = reference.ResolutionScope.Kind == HandleKind.AssemblyReference
            ? reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name)
            : null;
        return new TypeName(reader.GetString(reference.Namespace), reader.GetString(reference.Name), assembly);
    }

    /// <summary>One type's name; <paramref name="External"/> is the assembly of a referenced type, null for one defined here.</summary>
    internal sealed record TypeName(string Namespace, string Name, string? External)
    {
        public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}.{Name}";
    }

    internal sealed record Reference(TypeName From, TypeName To);

    /// <summary>Decodes signatures into the set of type names they mention.</summary>
    private sealed class TypeCollector(MetadataReader reader) : ISignatureTypeProvider<int, object?>
    {
        private List<TypeName> _found = [];

        public List<TypeName> Collect(Action decode)
        {
            _found = [];
            decode();
            return _found;
        }

        public List<TypeName> FromHandle(EntityHandle handle)
        {
            _found = [];
            Visit(handle);
            return _found;
        }

        private void Visit(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    _found.Add(Name(reader, (TypeDefinitionHandle)handle));
                    break;
                case HandleKind.TypeReference:
                    _found.Add(Name(reader, (TypeReferenceHandle)handle));
                    break;
                case HandleKind.TypeSpecification:
                    reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                    _found.Add(Name(reader, method.GetDeclaringType()));
                    break;
                case HandleKind.FieldDefinition:
                    _found.Add(Name(reader, reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()));
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    Visit(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        member.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        member.DecodeFieldSignature(this, null);
                    }

                    break;
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Visit(specification.Method);
                    specification.DecodeSignature(this, null);
                    break;
            }
        }

        public int GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            _found.Add(Name(metadata, handle));
            return 0;
        }

        public int GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind)
        {
            _found.Add(Name(metadata, handle));
            return 0;
        }

        public int GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
            return 0;
        }

        public int GetArrayType(int elementType, ArrayShape shape) => 0;

        public int GetByReferenceType(int elementType) => 0;

        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;

        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;

        public int GetGenericMethodParameter(object? genericContext, int index) => 0;

        public int GetGenericTypeParameter(object? genericContext, int index) => 0;

        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;

        public int GetPinnedType(int elementType) => 0;

        public int GetPointerType(int elementType) => 0;

        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;

        public int GetSZArrayType(int elementType) => 0;

        public int GetTypeFromSerializedName(string name) => 0;
    }
}
