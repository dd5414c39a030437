//go:build ignore

// gen writes wire.pb.go from the descriptor below, which must match
// wire.proto: protoc-gen-go's generator run as a library, so that no protoc
// is needed. Run with: go generate ./actor/internal/wire
package main

import (
	"log"
	"os"

	gengo "google.golang.org/protobuf/cmd/protoc-gen-go/internal_gengo"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

func main() {
	field := func(name, json string, n int32, typ descriptorpb.FieldDescriptorProto_Type, repeated bool) *descriptorpb.FieldDescriptorProto {
		label := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL
		if repeated {
			label = descriptorpb.FieldDescriptorProto_LABEL_REPEATED
		}
		return &descriptorpb.FieldDescriptorProto{
			Name: proto.String(name), Number: proto.Int32(n), Type: typ.Enum(), Label: label.Enum(),
			JsonName: proto.String(json),
		}
	}
	b := descriptorpb.FieldDescriptorProto_TYPE_BYTES
	file := &descriptorpb.FileDescriptorProto{
		Name:    proto.String("actor/internal/wire/wire.proto"),
		Package: proto.String("murmur.wire"),
		Syntax:  proto.String("proto3"),
		Options: &descriptorpb.FileOptions{GoPackage: proto.String("github.com/murmur-go/murmur/actor/internal/wire")},
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Envelope"),
			Field: []*descriptorpb.FieldDescriptorProto{
				field("body", "body", 1, b, false),
				field("buffers", "buffers", 2, b, true),
				field("request", "request", 3, descriptorpb.FieldDescriptorProto_TYPE_BOOL, false),
				field("error_code", "errorCode", 4, descriptorpb.FieldDescriptorProto_TYPE_INT32, false),
				field("error", "error", 5, descriptorpb.FieldDescriptorProto_TYPE_STRING, false),
				field("trace", "trace", 6, b, false),
			},
		}},
	}
	req := &pluginpb.CodeGeneratorRequest{FileToGenerate: []string{file.GetName()}, ProtoFile: []*descriptorpb.FileDescriptorProto{file}}
	gen, err := protogen.Options{}.New(req)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range gen.Files {
		if f.Generate {
			gengo.GenerateFile(gen, f)
		}
	}
	resp := gen.Response()
	if resp.Error != nil {
		log.Fatal(*resp.Error)
	}
	for _, f := range resp.File {
		if err := os.WriteFile("wire.pb.go", []byte(f.GetContent()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
