using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>The kind of a weight variable.</summary>
public enum VariableKind
{
    /// <summary>A dense layer's kernel, <c>inputs × units</c>.</summary>
    Kernel,
    /// <summary>A dense layer's bias.</summary>
    Bias,
    /// <summary>A BatchNorm layer's scale γ.</summary>
    Gamma,
    /// <summary>A BatchNorm layer's offset β.</summary>
    Beta,
}

/// <summary>One weight variable: a slice of <see cref="INetwork.Parameters"/> (Keras's notion of a variable, the unit of <c>clipnorm</c>).</summary>
/// <param name="Offset">Start in the parameter buffer.</param>
/// <param name="Length">Number of floats.</param>
/// <param name="LayerIndex">The owning layer's index.</param>
/// <param name="Kind">What the variable is.</param>
/// <param name="Trainable">Whether the optimizer updates it (false while its layer is frozen).</param>
public readonly record struct ParameterVariable(int Offset, int Length, int LayerIndex, VariableKind Kind, bool Trainable);

/// <summary>
/// The memory of a generated network: parameters, gradients and non-trainable state, each one contiguous
/// <c>float[]</c>; the weight variables; the layers. Generated code creates one per network instance.
/// </summary>
public sealed class NetworkStorage
{
    private ParameterVariable[] _variables = new ParameterVariable[8];
    private int _variableCount;
    private readonly List<Layer> _layers = new();

    /// <summary>Creates the buffers of a network (called by generated constructors).</summary>
    public NetworkStorage(string modelName, int parameterLength, int stateLength)
    {
        ModelName = modelName;
        Parameters = new float[parameterLength];
        Gradients = new float[parameterLength];
        State = new float[stateLength];
    }

    /// <summary>The model's name in <see cref="INetwork.Summary"/>.</summary>
    public string ModelName { get; }

    /// <summary>Weights.</summary>
    public float[] Parameters { get; }

    /// <summary>Gradients (same layout as <see cref="Parameters"/>).</summary>
    public float[] Gradients { get; }

    /// <summary>Non-trainable state (moving statistics).</summary>
    public float[] State { get; }

    /// <summary>The weight variables, in layer order.</summary>
    public ReadOnlySpan<ParameterVariable> Variables => _variables.AsSpan(0, _variableCount);

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Parameters currently trained.</summary>
    public int TrainableParameterCount
    {
        get
        {
            int n = 0;
            foreach (ParameterVariable v in Variables) if (v.Trainable) n += v.Length;
            return n;
        }
    }

    /// <summary>Total parameters (weights plus state).</summary>
    public int ParameterCount => Parameters.Length + State.Length;

    internal int AddLayer(Layer layer)
    {
        _layers.Add(layer);
        return _layers.Count - 1;
    }

    internal void AddVariable(int offset, int length, int layerIndex, VariableKind kind, bool trainable)
    {
        if (offset < 0 || length < 0 || offset + length > Parameters.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Variable [{offset}, {offset + length}) is outside the parameter buffer of {Parameters.Length}.");
        }
        if (_variableCount == _variables.Length) Array.Resize(ref _variables, _variables.Length * 2);
        _variables[_variableCount++] = new ParameterVariable(offset, length, layerIndex, kind, trainable);
    }

    internal void SetTrainable(int layerIndex, bool trainable)
    {
        for (int i = 0; i < _variableCount; i++)
        {
            if (_variables[i].LayerIndex == layerIndex) _variables[i] = _variables[i] with { Trainable = trainable };
        }
    }
}
